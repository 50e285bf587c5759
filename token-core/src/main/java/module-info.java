/**
 * Latchkey's engine: token format, hashing, lifecycle, permission model, policy, scopes and request
 * classification, CIDR rules, the authenticator and its caches. Only {@code dev.latchkey.core} (and its
 * classifier package and the in-memory SPI implementations in {@code dev.latchkey.core.memory}) is exported;
 * implementation lives in the sub-packages of {@code dev.latchkey.core.internal} (see ARCHITECTURE.md).
 */
module dev.latchkey.core {
    requires transitive dev.latchkey.spi;
    requires com.github.benmanes.caffeine;
    requires inet.ipaddr;
    requires org.slf4j;

    exports dev.latchkey.core;
    exports dev.latchkey.core.classify;
    exports dev.latchkey.core.memory;
    // helpers the adapters reuse so their text and address rules match the engine's; not API
    exports dev.latchkey.core.internal.text to dev.latchkey.servlet, dev.latchkey.servlet.javax, dev.latchkey.rest,
            dev.latchkey.rest.javax, dev.latchkey.bitbucket;
    exports dev.latchkey.core.internal.net to dev.latchkey.servlet, dev.latchkey.servlet.javax;
    exports dev.latchkey.core.scan;
}

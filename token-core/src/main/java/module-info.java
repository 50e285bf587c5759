/**
 * Latchkey's engine: token format, hashing, lifecycle, permission model, policy, scopes and request
 * classification, CIDR rules, the authenticator and its caches. Only {@code dev.latchkey.core} (and its
 * classifier package) is exported; implementation lives in {@code dev.latchkey.core.internal}.
 */
module dev.latchkey.core {
    requires transitive dev.latchkey.spi;
    requires com.github.benmanes.caffeine;
    requires inet.ipaddr;
    requires org.slf4j;

    exports dev.latchkey.core;
    exports dev.latchkey.core.classify;
    exports dev.latchkey.core.scan;
}

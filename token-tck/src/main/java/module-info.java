/**
 * Latchkey's technology compatibility kit: abstract JUnit 5 classes that check an implementation of the
 * SPI against its written contract. Extend {@code TokenStoreContract} (and, for a store that offers them, the
 * capability kits {@code PolicyStoreContract}, {@code ChangeFeedContract}, {@code NodeRegistryContract},
 * {@code NoticeLedgerContract}), {@code UserDirectoryContract} or
 * {@code AuditLogContract} in your own test sources and implement the factory method.
 */
module dev.latchkey.tck {
    requires transitive dev.latchkey.spi;
    requires transitive org.junit.jupiter.api;
    requires transitive org.junit.jupiter.params;
    requires transitive org.assertj.core;

    exports dev.latchkey.tck;
    // JUnit discovers and invokes the inherited test methods reflectively.
    opens dev.latchkey.tck to org.junit.platform.commons;
}

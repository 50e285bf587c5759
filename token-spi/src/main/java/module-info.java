/**
 * Latchkey's service-provider contracts: storage, user directory and audit, plus the immutable values
 * they exchange. This module has no dependencies, so hosts can implement it without pulling in the engine.
 */
module dev.latchkey.spi {
    exports dev.latchkey.spi;
    // the set-once rule every Latchkey builder shares; not API
    exports dev.latchkey.spi.internal to dev.latchkey.core, dev.latchkey.jdbc, dev.latchkey.notify.smtp,
            dev.latchkey.servlet, dev.latchkey.servlet.javax, dev.latchkey.rest, dev.latchkey.rest.javax, dev.latchkey.leaks;
}

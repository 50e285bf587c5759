/**
 * Latchkey's service-provider contracts: storage, user directory and audit, plus the immutable values
 * they exchange. This module has no dependencies, so hosts can implement it without pulling in the engine.
 */
module dev.latchkey.spi {
    exports dev.latchkey.spi;
}

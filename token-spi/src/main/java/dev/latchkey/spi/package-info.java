/**
 * Latchkey's service-provider interfaces: {@link dev.latchkey.spi.TokenStore} (with the optional store capabilities
 * {@link dev.latchkey.spi.PolicyStore}, {@link dev.latchkey.spi.ChangeFeed}, {@link dev.latchkey.spi.NodeRegistry},
 * {@link dev.latchkey.spi.NoticeLedger}),
 * {@link dev.latchkey.spi.UserDirectory}, {@link dev.latchkey.spi.AuditSink} / {@link dev.latchkey.spi.AuditLog},
 * and the immutable values they exchange. All values are immutable and thread-safe.
 */
package dev.latchkey.spi;

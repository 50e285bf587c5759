/**
 * Helpers every Latchkey module shares so their rules and messages are one: the set-once rule of builder options.
 * Not API: exported only to Latchkey's own modules (module-info and the OSGi friend export name them).
 */
package dev.latchkey.spi.internal;

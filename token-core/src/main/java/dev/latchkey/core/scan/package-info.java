/**
 * Finding this host's tokens in text: the {@link dev.latchkey.core.scan.TokenScanner} used by push protection,
 * log scrubbing and leak reports. Every hit is checksum-verified, so look-alike strings are never reported.
 */
package dev.latchkey.core.scan;

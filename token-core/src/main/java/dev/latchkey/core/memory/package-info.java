/**
 * In-memory implementations of the SPI ({@code InMemoryTokenStore}, {@code InMemoryUserDirectory}) for tests,
 * demos and single-node hosts that accept losing tokens on restart. Exported API.
 */
package dev.latchkey.core.memory;

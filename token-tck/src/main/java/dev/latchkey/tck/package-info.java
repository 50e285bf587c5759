/**
 * Contract tests for Latchkey SPI implementations. Each class is abstract with one factory method to
 * implement; test names follow {@code methodWhenConditionThenResult} and each {@code @DisplayName} quotes the
 * contract clause it checks. Optional capabilities are declared by overridable hooks and show as skipped,
 * with the reason, when an implementation opts out.
 *
 * <p>All instants the kit writes are whole milliseconds, the precision the engine uses.
 */
package dev.latchkey.tck;

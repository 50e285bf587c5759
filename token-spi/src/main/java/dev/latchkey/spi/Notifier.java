package dev.latchkey.spi;

/**
 * Tells token owners what happened to their tokens (created on their behalf, revoked by someone else, revoked as
 * leaked, expiring soon). Implementations: the engine's SLF4J notifier (default) and {@code token-notify-smtp}.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Thread-safe; called on the thread that made the change, so it should return quickly (queue, or use short
 *       timeouts).</li>
 *   <li>A failure throws an unchecked exception; the engine logs it and the change it reports stands.</li>
 *   <li>Never puts a token secret in a message (a {@link Notice} holds none).</li>
 * </ul>
 *
 * @since 0.1
 */
@FunctionalInterface
public interface Notifier {
    /**
     * Delivers {@code notice} to its owner.
     *
     * @param notice the message; holds no token secret
     * @throws RuntimeException if delivery failed; the engine logs it and the reported change stands
     */
    void send(Notice notice);
}

package dev.latchkey.core;

import dev.latchkey.spi.Notice;
import dev.latchkey.spi.Notifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link Notifier}: writes each notice at INFO to the {@code dev.latchkey.notice} logger, for hosts
 * that forward logs to their own alerting. A notice never contains a secret. Thread-safe.
 *
 * @since 0.1
 */
public final class Slf4jNotifier implements Notifier {
    private static final Logger LOG = LoggerFactory.getLogger("dev.latchkey.notice");

    @Override
    public void send(Notice n) {
        LOG.info("notice {} for {}: token {} by {} {}", n.kind(), n.owner(), n.tokenId(), n.actor(), n.details());
    }
}

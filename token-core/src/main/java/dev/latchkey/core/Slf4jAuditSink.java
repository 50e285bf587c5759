package dev.latchkey.core;

import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditEventType;
import dev.latchkey.spi.AuditOutcome;
import dev.latchkey.spi.AuditSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link AuditSink}: one line per event on the logger {@code dev.latchkey.audit} (INFO for
 * successes and refused authentications, WARN for other failures). Refusals are INFO, not WARN: they are routine
 * on any exposed host (and arrive aggregated or rate-limited), and a WARN per refusal is what let a flood fill
 * the log. Events never carry a secret, so neither do the lines.
 *
 * @since 0.1
 */
public final class Slf4jAuditSink implements AuditSink {
    private static final Logger AUDIT = LoggerFactory.getLogger("dev.latchkey.audit");

    @Override
    public void record(AuditEvent e) {
        if (e.outcome() == AuditOutcome.SUCCESS || e.type() == AuditEventType.AUTHENTICATION_REFUSED
                || e.type() == AuditEventType.PASSWORD_AUTH_REFUSED) {
            AUDIT.info("{} actor={} token={} owner={} ip={} reason={} details={}", e.type(), e.actor(),
                    e.tokenId().orElse("-"), e.tokenOwner().orElse("-"), e.clientIp().orElse("-"),
                    e.reason().orElse("-"), e.details());
        } else if (e.outcome() == AuditOutcome.SUCCESS) {
            AUDIT.info("{} actor={} token={} owner={} ip={} details={}", e.type(), e.actor(),
                    e.tokenId().orElse("-"), e.tokenOwner().orElse("-"), e.clientIp().orElse("-"), e.details());
        } else {
            AUDIT.warn("{} actor={} token={} owner={} ip={} reason={} details={}", e.type(), e.actor(),
                    e.tokenId().orElse("-"), e.tokenOwner().orElse("-"), e.clientIp().orElse("-"),
                    e.reason().orElse("-"), e.details());
        }
    }
}

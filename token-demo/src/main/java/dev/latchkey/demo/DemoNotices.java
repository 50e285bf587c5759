package dev.latchkey.demo;

import dev.latchkey.core.Slf4jNotifier;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.Notifier;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The demo's notifier: every notice goes to the log ({@link Slf4jNotifier}, logger {@code dev.latchkey.notice}),
 * and the latest {@value #KEEP} are kept in memory so a demo user (and the end-to-end tests) can see what an
 * owner would have been told. A notice never carries a secret. Thread-safe.
 */
public final class DemoNotices implements Notifier {
    static final int KEEP = 200;
    private final Notifier log = new Slf4jNotifier();
    private final Deque<Notice> recent = new ArrayDeque<>();

    @Override
    public void send(Notice notice) {
        log.send(notice);
        synchronized (recent) {
            recent.addLast(notice);
            if (recent.size() > KEEP) {
                recent.removeFirst();
            }
        }
    }

    /** The latest notices, oldest first. */
    public List<Notice> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}

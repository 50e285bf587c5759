package dev.latchkey.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.latchkey.spi.Notice;
import dev.latchkey.spi.NoticeKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's settings for issue 14 on a running demo: expiry notices on their schedule (once each, also across a
 * restart) and the failed-attempt limit from the configuration file.
 */
class DemoLeakSettingsTest {
    @TempDir
    Path tmp;

    private Path configured(String from, String to, String from2, String to2) throws Exception {
        Path data = tmp.resolve("data");
        Path file = data.resolve(DemoConfig.FILE_NAME);
        DemoConfig.writeDefaultIfAbsent(file);
        String text = Files.readString(file);
        assertThat(text).contains(from).contains(from2);
        Files.writeString(file, text.replace(from, to).replace(from2, to2));
        return data;
    }

    private static List<Notice> expiring(DemoServer demo, String tokenId) {
        return demo.notices().recent().stream()
                .filter(n -> n.kind() == NoticeKind.EXPIRING && n.tokenId().equals(tokenId)).toList();
    }

    @Test
    void expiryNoticesWhenScheduledThenA59DayTokenGetsOne60DayNoticeOnceAcrossRestart() throws Exception {
        Path data = configured("latchkey.expiryNoticeInterval=PT1H", "latchkey.expiryNoticeInterval=PT1S",
                "latchkey.failedAttemptLimit=20/PT1M", "latchkey.failedAttemptLimit=20/PT1M");
        String id;
        try (DemoServer demo = new DemoServer(DemoServer.Options.defaults(data).withPort(0))) {
            demo.start();
            JsonNode t = new DemoClient(demo.baseUri()).createToken("alice",
                    "{\"name\":\"expiring\",\"level\":\"READ\",\"expiresInDays\":59}");
            id = t.get("id").asText();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (expiring(demo, id).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            List<Notice> told = expiring(demo, id);
            assertThat(told).as("the sweep runs every second on its own").hasSize(1);
            assertThat(told.get(0).owner()).isEqualTo("alice");
            assertThat(told.get(0).details()).containsEntry("threshold", Duration.ofDays(60).toString())
                    .containsEntry("daysLeft", "58");
            assertThat(demo.expiryNotices().orElseThrow().runOnce()).isZero();
            Thread.sleep(2_500); // two more scheduled sweeps
            assertThat(expiring(demo, id)).hasSize(1);
        }
        try (DemoServer again = new DemoServer(DemoServer.Options.defaults(data).withPort(0))) {
            again.start();
            assertThat(again.expiryNotices().orElseThrow().runOnce()).as("the database remembers").isZero();
            assertThat(expiring(again, id)).isEmpty();
        }
    }

    @Test
    void failedAttemptLimitWhenConfiguredThenItIsTheOneApplied() throws Exception {
        Path data = configured("latchkey.failedAttemptLimit=20/PT1M", "latchkey.failedAttemptLimit=3/PT1H",
                "latchkey.expiryNotices=P60D,P30D,P7D", "latchkey.expiryNotices=");
        try (DemoServer demo = new DemoServer(DemoServer.Options.defaults(data).withPort(0))) {
            demo.start();
            assertThat(demo.expiryNotices()).isEmpty();
            DemoClient http = new DemoClient(demo.baseUri());
            String bogus = DemoClient.bearer(dev.latchkey.core.TokenFormat.defaults()
                    .generate(dev.latchkey.spi.TokenKind.PERSONAL).reveal());
            for (int i = 0; i < 3; i++) {
                assertThat(http.get("/rest/api/1.0/projects", bogus).status()).isEqualTo(401);
            }
            assertThat(http.get("/rest/api/1.0/projects", bogus).status()).isEqualTo(429);
        }
    }

    @Test
    void failedAttemptLimitWhenOffThenACiLoopIsNeverAnswered429() throws Exception {
        Path data = configured("latchkey.failedAttemptLimit=20/PT1M", "latchkey.failedAttemptLimit=off",
                "latchkey.expiryNotices=P60D,P30D,P7D", "latchkey.expiryNotices=");
        try (DemoServer demo = new DemoServer(DemoServer.Options.defaults(data).withPort(0))) {
            demo.start();
            DemoClient http = new DemoClient(demo.baseUri());
            String bogus = DemoClient.bearer(dev.latchkey.core.TokenFormat.defaults()
                    .generate(dev.latchkey.spi.TokenKind.PERSONAL).reveal());
            for (int i = 0; i < 30; i++) {
                assertThat(http.get("/rest/api/1.0/projects", bogus).status()).isEqualTo(401);
            }
        }
    }
}

package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-driver URL parameters, and what DriverTimeouts refuses. */
class DriverTimeoutsTest {
    private static final Duration TWO = Duration.ofSeconds(2);
    private static final Duration SOCKET = Duration.ofSeconds(35);

    @Test
    void applyWhenPostgresThenSecondsForConnectLoginAndSocket() {
        assertThat(DriverTimeouts.apply("jdbc:postgresql://db:5432/app", TWO, SOCKET))
                .isEqualTo("jdbc:postgresql://db:5432/app?connectTimeout=2&loginTimeout=2&socketTimeout=35");
        assertThat(DriverTimeouts.apply("jdbc:postgresql://db/app?ssl=true", Duration.ofMillis(1500), SOCKET))
                .as("fractions round up; existing parameters kept")
                .isEqualTo("jdbc:postgresql://db/app?ssl=true&connectTimeout=2&loginTimeout=2&socketTimeout=35");
    }

    @Test
    void applyWhenMariaDbThenMilliseconds() {
        assertThat(DriverTimeouts.apply("jdbc:mariadb://db:3306/app", TWO, SOCKET))
                .isEqualTo("jdbc:mariadb://db:3306/app?connectTimeout=2000&socketTimeout=35000");
    }

    @Test
    void applyWhenH2ThenLockTimeout() {
        assertThat(DriverTimeouts.apply("jdbc:h2:tcp://127.0.0.1/x", TWO, SOCKET))
                .isEqualTo("jdbc:h2:tcp://127.0.0.1/x;LOCK_TIMEOUT=35000");
    }

    @Test
    void applyWhenUrlAlreadySetsOneThenRefusedInsteadOfDoubled() {
        assertThatThrownBy(() -> DriverTimeouts.apply("jdbc:postgresql://db/app?SocketTimeout=0", TWO, SOCKET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sockettimeout");
        assertThatThrownBy(() -> DriverTimeouts.apply("jdbc:h2:mem:x;lock_timeout=1", TWO, SOCKET))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void applyWhenUnknownDriverOrBadDurationThenIllegalArgumentNamingIt() {
        assertThatThrownBy(() -> DriverTimeouts.apply("jdbc:oracle:thin:@db:1521/x", TWO, SOCKET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbcUrl");
        assertThatThrownBy(() -> DriverTimeouts.apply("jdbc:postgresql://db/app", Duration.ZERO, SOCKET))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
        assertThatThrownBy(() -> DriverTimeouts.apply("jdbc:postgresql://db/app", TWO, Duration.ofDays(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("socketTimeout");
        assertThatThrownBy(() -> DriverTimeouts.apply(null, TWO, SOCKET)).isInstanceOf(NullPointerException.class);
    }
}

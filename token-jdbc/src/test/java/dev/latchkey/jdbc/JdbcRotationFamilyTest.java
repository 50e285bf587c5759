package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.latchkey.core.Actor;
import dev.latchkey.core.Credential;
import dev.latchkey.core.IssuedToken;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.NewToken;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RefusalReason;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.TokenRefusedException;
import dev.latchkey.core.memory.InMemoryUserDirectory;
import dev.latchkey.spi.AccessLevel;
import dev.latchkey.spi.TokenRecord;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reuse detection on each real database (H2; PostgreSQL and MariaDB when configured, else skipped with a message):
 * a rotation links the old record to its successor by the revocation instant and the successor's creation instant,
 * so the link holds only if the store gives both back exactly as written. A rotated-away secret presented again then
 * revokes the family's active member as leaked and leaves the owner's other tokens alone.
 */
class JdbcRotationFamilyTest {
    private static final String IP = "10.1.2.3";

    static Stream<Arguments> databases() {
        return Stream.of(Arguments.of("H2", (Supplier<TestDatabase>) TestDatabase::h2),
                Arguments.of("PostgreSQL", (Supplier<TestDatabase>) TestDatabase::postgres),
                Arguments.of("MariaDB", (Supplier<TestDatabase>) TestDatabase::mariadb));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rotateSelfWhenRotatedAwaySecretReturnsThenTheFamilysActiveTokenIsRevokedOnEveryDatabase(String label,
            Supplier<TestDatabase> database) {
        TestDatabase db = database.get();
        String prefix = db.freshSchema();
        JdbcTokenStore store = JdbcTokenStore.builder(db.dataSource).dialect(db.dialect).tablePrefix(prefix).build();
        try (Latchkey lk = Latchkey.builder().store(store).singleNode()
                .directory(new InMemoryUserDirectory().add("alice", "users").add("admin", "admins"))
                .auditSink(e -> { })
                .initialPolicy(Policy.defaults().with(Map.of("useTokens", "users", "createTokens", "users",
                        "manageTokens", "admins", "administerPolicy", "admins", "levelGrants", "users=WRITE",
                        "selfRotation", "PERSONAL")))
                .build()) {
            IssuedToken first = lk.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
            IssuedToken second = lk.tokens().rotateSelf(Credential.bearer(first.secret().reveal()), IP);
            IssuedToken third = lk.tokens().rotate(Actor.user("alice"), second.record().id());
            IssuedToken bystander = lk.tokens().create(Actor.user("alice"), NewToken.builder("ci", AccessLevel.READ).build());
            assertThat(works(lk, third)).isTrue();

            // the links as the database gives them back: revocation instant == successor's creation instant
            TokenRecord firstStored = store.findById(first.record().id()).orElseThrow();
            TokenRecord secondStored = store.findById(second.record().id()).orElseThrow();
            assertThat(firstStored.revocation().orElseThrow().at()).isEqualTo(secondStored.createdAt());
            assertThat(secondStored.revocation().orElseThrow().at())
                    .isEqualTo(store.findById(third.record().id()).orElseThrow().createdAt());

            assertThatThrownBy(() -> lk.tokens().rotateSelf(Credential.bearer(first.secret().reveal()), IP))
                    .isInstanceOfSatisfying(TokenRefusedException.class,
                            e -> assertThat(e.refusal().reason()).isEqualTo(RefusalReason.REVOKED));
            assertThat(works(lk, third)).as("%s: the family's active token, after the old secret came back", label)
                    .isFalse();
            assertThat(store.findById(third.record().id()).orElseThrow().revocation().orElseThrow().reason())
                    .isEqualTo("leaked");
            assertThat(works(lk, bystander)).as("same owner and name, not of the family").isTrue();
        } finally {
            db.drop(prefix);
        }
    }

    private static boolean works(Latchkey lk, IssuedToken t) {
        return lk.authenticator().authenticate(Credential.bearer(t.secret().reveal()), RequestFacts.of("GET", "/x", IP))
                .isAllowed();
    }
}

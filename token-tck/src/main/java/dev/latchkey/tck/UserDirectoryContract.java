package dev.latchkey.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.UserDirectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract tests for {@link UserDirectory}. Extend this class, implement {@link #createDirectory()} and tell the
 * kit which users the directory was seeded with through {@link #expectedUsers()}.
 *
 * <pre>{@code
 * class LdapDirectoryTest extends UserDirectoryContract {
 *     @Override protected UserDirectory createDirectory() { return new LdapDirectory(embeddedLdapWithFixtures()); }
 *     @Override protected Map<String, DirectoryUser> expectedUsers() { return FIXTURE_USERS; }
 * }
 * }</pre>
 *
 * <p>Seed at least one active and one inactive user, and at least one user in a group, to exercise every
 * test; the tests that need what is missing are skipped and say what to seed.
 */
public abstract class UserDirectoryContract {

    private UserDirectory directory;

    /**
     * The directory under test, seeded with exactly the users of {@link #expectedUsers()} (it may know more).
     *
     * @return a directory; called once before every test
     */
    protected abstract UserDirectory createDirectory();

    /**
     * The users the directory was seeded with, by name; each must be returned exactly by {@code findUser}.
     *
     * @return user name to user, at least one
     */
    protected abstract Map<String, DirectoryUser> expectedUsers();

    /**
     * Whether user names are compared exactly ({@link UserDirectory#findUser(String)} says "exactly"). Return
     * {@code false} for a directory that is case-insensitive by design (the case test is then skipped).
     *
     * @return true (the default) when names are case-sensitive
     */
    protected boolean namesAreCaseSensitive() {
        return true;
    }

    /**
     * The directory under test.
     *
     * @return the directory {@link #createDirectory()} made for the current test
     */
    protected final UserDirectory directory() {
        return directory;
    }

    @BeforeEach
    final void createFreshDirectory() {
        directory = createDirectory();
        assertThat(directory).as("createDirectory() must return a directory").isNotNull();
        assertThat(expectedUsers()).as("expectedUsers() must name at least one seeded user").isNotEmpty();
        expectedUsers().forEach((name, user) ->
                assertThat(user.name()).as("expectedUsers() key must equal the user's name").isEqualTo(name));
    }

    @Test
    @DisplayName("UserDirectory.findUser: returns the user whose name is exactly name (every field)")
    void findUserWhenSeededUserThenReturnsItWithEveryField() {
        for (DirectoryUser expected : expectedUsers().values()) {
            Optional<DirectoryUser> found = directory.findUser(expected.name());
            assertThat(found).as("findUser(%s)", expected.name()).contains(expected);
        }
    }

    @Test
    @DisplayName("UserDirectory.findUser: an inactive account is reported as inactive (its tokens stop working)")
    void findUserWhenInactiveUserSeededThenActiveIsFalse() {
        List<DirectoryUser> inactive = expectedUsers().values().stream().filter(u -> !u.active()).toList();
        Assumptions.assumeFalse(inactive.isEmpty(), "seed an inactive user in expectedUsers() to run this test");

        for (DirectoryUser user : inactive) {
            assertThat(directory.findUser(user.name())).map(DirectoryUser::active).contains(false);
        }
    }

    @Test
    @DisplayName("UserDirectory.findUser: groups are reported (the permission model is decided from them)")
    void findUserWhenUserHasGroupsThenAllGroupsAreReturned() {
        List<DirectoryUser> withGroups = expectedUsers().values().stream().filter(u -> !u.groups().isEmpty()).toList();
        Assumptions.assumeFalse(withGroups.isEmpty(), "seed a user with at least one group to run this test");

        for (DirectoryUser user : withGroups) {
            assertThat(directory.findUser(user.name()).orElseThrow().groups()).containsExactlyInAnyOrderElementsOf(user.groups());
        }
    }

    @Test
    @DisplayName("UserDirectory.findUser: empty when there is none; it never throws for an unknown user")
    void findUserWhenUnknownThenEmptyNotException() {
        String unknown = "latchkey-tck-no-such-user-7f3a";
        Assumptions.assumeFalse(expectedUsers().containsKey(unknown), "the fixture uses the kit's unknown name");

        assertThat(directory.findUser(unknown)).isEmpty();
    }

    @Test
    @DisplayName("UserDirectory.findUser: the name must match exactly — case variants are not that user")
    void findUserWhenNameDiffersInCaseThenNotThatUser() {
        Assumptions.assumeTrue(namesAreCaseSensitive(), "namesAreCaseSensitive() is false: this directory is case-insensitive by design");

        for (DirectoryUser user : expectedUsers().values()) {
            for (String variant : List.of(user.name().toUpperCase(Locale.ROOT), user.name().toLowerCase(Locale.ROOT))) {
                if (variant.equals(user.name()) || expectedUsers().containsKey(variant)) {
                    continue;
                }
                assertThat(directory.findUser(variant)).as("findUser(%s)", variant).isEmpty();
            }
        }
    }

    @Test
    @DisplayName("UserDirectory.findUser: the name must match exactly — a prefix, suffix or padded name is not that user")
    void findUserWhenNameIsPrefixOrPaddedThenNotThatUser() {
        for (DirectoryUser user : expectedUsers().values()) {
            List<String> variants = new ArrayList<>(List.of(user.name() + " ", " " + user.name(), user.name() + "x", user.name() + "*"));
            if (user.name().length() > 1) {
                variants.add(user.name().substring(0, user.name().length() - 1));
            }
            for (String variant : variants) {
                if (expectedUsers().containsKey(variant)) {
                    continue;
                }
                assertThat(directory.findUser(variant)).as("findUser(%s)", variant)
                        .satisfiesAnyOf(o -> assertThat(o).isEmpty(), o -> assertThat(o.get().name()).isEqualTo(variant));
            }
        }
    }

    @Test
    @DisplayName("DirectoryUser null rules: findUser never returns null — a user, or Optional.empty()")
    void findUserWhenSeededOrUnknownThenNeverNull() {
        for (DirectoryUser user : expectedUsers().values()) {
            assertThat(directory.findUser(user.name())).as("findUser(%s) returned null", user.name()).isNotNull();
        }
        assertThat(directory.findUser("latchkey-tck-no-such-user-7f3a"))
                .as("findUser of an unknown name returned null instead of Optional.empty()").isNotNull();
    }

    @Test
    @DisplayName("DirectoryUser null rules: findUser(null) throws NullPointerException or answers empty, never a user")
    void findUserWhenNameIsNullThenNullPointerExceptionOrEmpty() {
        Optional<DirectoryUser> answer;
        try {
            answer = directory.findUser(null);
        } catch (NullPointerException expected) {
            return;
        }
        assertThat(answer).as("findUser(null) must throw NullPointerException or return Optional.empty()")
                .isNotNull().isEmpty();
    }

    @Test
    @DisplayName("DirectoryUser null rules: absent values are empty, not null — e-mail \"\", no groups an empty set")
    void findUserWhenSeededThenNoComponentIsNullAndGroupsHaveNoNull() {
        for (DirectoryUser expected : expectedUsers().values()) {
            DirectoryUser user = directory.findUser(expected.name()).orElseThrow();
            assertThat(user.name()).as("name of %s", expected.name()).isNotNull().isEqualTo(expected.name());
            assertThat(user.displayName()).as("displayName of %s", expected.name()).isNotNull();
            assertThat(user.email()).as("email of %s (\"\" when unknown)", expected.name()).isNotNull();
            assertThat(user.groups()).as("groups of %s (empty when none)", expected.name())
                    .isNotNull().doesNotContainNull();
        }
    }

    static Stream<Named<String>> hostileNames() {
        return Stream.of("", " ", "*", "%", "_", "?", "\\", "'; DROP TABLE users; --", "' OR '1'='1", "*)(uid=*))(|(uid=*",
                "admin)(&", "../../etc/passwd", "${jndi:ldap://example.invalid/a}", "🔑", "x".repeat(10_000), "\u0000", "\uD800")
                .map(DisplayNames::named);
    }

    @ParameterizedTest(name = "[{index}] findUser({0})")
    @MethodSource("hostileNames")
    @DisplayName("UserDirectory.findUser: never throws for an unknown user — hostile names are data (no wildcard or injection)")
    void findUserWhenNameIsHostileThenEmptyWithoutError(String name) {
        Assumptions.assumeFalse(expectedUsers().containsKey(name), "the fixture seeds this exact name");

        assertThatCode(() -> assertThat(directory.findUser(name)).isEmpty()).doesNotThrowAnyException();
    }

    @Test
    @DisplayName("UserDirectory: thread-safe — concurrent lookups give the same answers")
    void findUserWhenCalledFromManyThreadsThenConsistentAnswers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        for (DirectoryUser u : expectedUsers().values()) {
                            if (!directory.findUser(u.name()).equals(Optional.of(u))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            start.countDown();
            for (Future<Boolean> f : futures) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

package dev.latchkey.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.latchkey.spi.DirectoryUser;
import dev.latchkey.spi.UserDirectory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** A failing hostile-input case must say which input failed, readably, whatever the input is. */
class DisplayNamesTest {

    @Test
    void escapeWhenControlSurrogateOrQuoteThenPrintableAsciiLiteral() {
        assertThat(DisplayNames.escape("\u0000")).isEqualTo("\"\\u0000\"");
        assertThat(DisplayNames.escape("\uD800")).isEqualTo("\"\\uD800\"");
        assertThat(DisplayNames.escape("a\"b\\c\n\t\r")).isEqualTo("\"a\\\"b\\\\c\\n\\t\\r\"");
        assertThat(DisplayNames.escape("🔑")).isEqualTo("\"\\uD83D\\uDD11\"");
        assertThat(DisplayNames.escape("")).isEqualTo("\"\"");
        assertThat(DisplayNames.escape("*)(uid=*))(|(uid=*")).isEqualTo("\"*)(uid=*))(|(uid=*\"");
    }

    @Test
    void escapeWhenLongThenShortenedWithLength() {
        String shown = DisplayNames.escape("x".repeat(10_000));

        assertThat(shown).isEqualTo("\"" + "x".repeat(DisplayNames.MAX_SHOWN) + "\u2026\" (10000 chars)");
    }

    @Test
    void hostileSourcesWhenListedThenEveryDisplayNameIsPrintableShortAndDistinct() {
        List<Named<String>> all = new ArrayList<>();
        UserDirectoryContract.hostileNames().forEach(all::add);
        AuditLogContract.hostileValues().forEach(all::add);
        TokenStoreContract.unicodeNames().forEach(all::add);
        TokenStoreContract.hostileFilters().forEach(a -> {
            @SuppressWarnings("unchecked")
            Named<String> named = (Named<String>) a.get()[0];
            all.add(named);
        });

        for (Named<String> n : all) {
            assertThat(n.getName()).as("display name of an input of length %d", n.getPayload().length())
                    .matches("[ -~\u2026]+").hasSizeLessThan(DisplayNames.MAX_SHOWN * 6 + 30);
            assertThat(n.getName()).isEqualTo(DisplayNames.escape(n.getPayload()));
        }
        assertThat(UserDirectoryContract.hostileNames().map(Named::getName)).doesNotHaveDuplicates();
    }

    /** A directory that breaks on NUL, as a careless LDAP filter builder might. */
    static class NulBreaksDirectoryContract extends UserDirectoryContract {
        private static final Map<String, DirectoryUser> USERS =
                Map.of("alice", new DirectoryUser("alice", "Alice", "", true, Set.of()));

        @Override
        protected UserDirectory createDirectory() {
            return name -> {
                if (name.indexOf('\u0000') >= 0) {
                    throw new IllegalStateException("bad filter");
                }
                return Optional.ofNullable(USERS.get(name));
            };
        }

        @Override
        protected Map<String, DirectoryUser> expectedUsers() {
            return USERS;
        }
    }

    @Test
    void contractWhenHostileCaseFailsThenReportNamesTheEscapedInput() {
        List<String> failed = new ArrayList<>();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(NulBreaksDirectoryContract.class)).build(), new TestExecutionListener() {
                    @Override
                    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                        if (id.isTest() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                            failed.add(id.getDisplayName());
                        }
                    }
                });

        assertThat(failed).singleElement().asString().matches("\\[\\d+] findUser\\(\"\\\\u0000\"\\)");
    }

}

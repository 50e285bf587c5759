package dev.latchkey.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OsgiHeadersTest {

    @Test
    void packagesWhenUsesDirectiveHoldsCommasThenSplitsOnlyOutsideQuotes() {
        String header = "dev.latchkey.core;uses:=\"dev.latchkey.spi,org.slf4j\";version=\"0.1.0\","
                + "dev.latchkey.core.classify;version=\"0.1.0\"";

        assertThat(OsgiHeaders.packages(header)).containsExactly("dev.latchkey.core", "dev.latchkey.core.classify");
    }

    @Test
    void packagesWhenClauseNamesSeveralPathsThenReturnsEach() {
        assertThat(OsgiHeaders.packages("a.b;c.d;version=1,e.f")).containsExactly("a.b", "c.d", "e.f");
    }

    @Test
    void packagesWhenHeaderAbsentThenEmpty() {
        assertThat(OsgiHeaders.packages(null)).isEmpty();
        assertThat(OsgiHeaders.packages(" ")).isEmpty();
    }

    @Test
    void parametersWhenFriendsAndVersionThenEachPackageKeepsItsClauseWithoutQuotes() {
        var p = OsgiHeaders.parameters("a.b;c.d;x-friends:=\"m1,m2\";version=\"0.1.0\",e.f;resolution:=optional");

        assertThat(p).containsOnlyKeys("a.b", "c.d", "e.f");
        assertThat(p.get("c.d")).containsEntry("x-friends:", "m1,m2").containsEntry("version", "0.1.0");
        assertThat(p.get("e.f")).containsExactlyEntriesOf(java.util.Map.of("resolution:", "optional"));
        assertThat(OsgiHeaders.parameters(null)).isEmpty();
    }
}

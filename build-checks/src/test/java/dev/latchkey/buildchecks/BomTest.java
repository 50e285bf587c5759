package dev.latchkey.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * {@code latchkey-bom} manages exactly Latchkey's published artifacts: a module added to the reactor without a
 * BOM entry fails here, and so does a third-party version slipping into the BOM.
 */
class BomTest {

    private static Reactor reactor;
    private static Element bom;

    @BeforeAll
    static void read() throws IOException {
        reactor = Reactor.fromSystemProperty();
        bom = Reactor.parse(reactor.root().resolve("latchkey-bom/pom.xml")).getDocumentElement();
    }

    @Test
    void bomManagesEveryPublishedModuleAndNothingElse() throws IOException {
        Set<String> published = new TreeSet<>();
        for (Reactor.Module m : reactor.modules()) {
            if (m.published()) {
                published.add("dev.latchkey:" + m.artifactId());
            }
        }
        assertThat(published).as("published modules of the reactor").isNotEmpty();

        assertThat(managed())
                .as("latchkey-bom/pom.xml must list every published module (packaging jar, not maven.deploy.skip) "
                        + "of the root pom's <modules>, and nothing else")
                .isEqualTo(published);
    }

    @Test
    void bomWhenImportedThenPinsNoThirdPartyVersions() {
        assertThat(Reactor.child(bom, "parent"))
                .as("latchkey-bom must have no parent: latchkey-parent pins Jackson, Jetty, H2 ...")
                .isEmpty();
        assertThat(managed()).allSatisfy(ga -> assertThat(ga).startsWith("dev.latchkey:"));
        assertThat(managedElements()).allSatisfy(d -> {
            assertThat(Reactor.text(d, "version")).contains("${project.version}");
            assertThat(Reactor.text(d, "scope")).as("no import of another BOM").isEmpty();
        });
    }

    @Test
    void reactorWhenBuiltThenBomAndBuildChecksAreModulesAndBuildChecksRunsLast() {
        List<String> modules = reactor.moduleDirectories();
        assertThat(modules).contains("latchkey-bom");
        // build-checks declares no dependencies on the others, so only its position orders it after them
        assertThat(modules).last().isEqualTo("build-checks");
    }

    private static Set<String> managed() {
        Set<String> ga = new TreeSet<>();
        for (Element d : managedElements()) {
            ga.add(Reactor.text(d, "groupId").orElse("?") + ":" + Reactor.text(d, "artifactId").orElse("?"));
        }
        return ga;
    }

    private static List<Element> managedElements() {
        Element management = Reactor.child(bom, "dependencyManagement").orElseThrow();
        Element dependencies = Reactor.child(management, "dependencies").orElseThrow();
        return Reactor.children(dependencies, "dependency");
    }
}

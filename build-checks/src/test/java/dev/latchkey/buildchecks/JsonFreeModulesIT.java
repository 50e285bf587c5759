package dev.latchkey.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;

/**
 * Issue 15: a host that wants only the filter gets no JSON library. The filter modules (token-servlet and its javax
 * twin) declare no Jackson dependency a host would inherit (compile or runtime scope in the pom), their module
 * descriptors require no Jackson module, their OSGi bundles import no Jackson package, and no class file names a
 * Jackson type. The REST modules, which do use Jackson, are the control: the same reading finds it there.
 */
class JsonFreeModulesIT {
    private static final List<String> FILTER_MODULES = List.of("token-servlet", "token-servlet-javax");
    private static final List<String> REST_MODULES = List.of("token-rest", "token-rest-javax");
    private static final String JACKSON_GROUP = "com.fasterxml.jackson";
    private static final String JACKSON_PACKAGE = "com/fasterxml/jackson";

    @TestFactory
    Stream<DynamicTest> filterModuleWhenBuiltThenNoJacksonInPomDescriptorBundleOrClasses() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Reactor.Module m : modules(FILTER_MODULES)) {
            tests.add(DynamicTest.dynamicTest(m.artifactId(), () -> {
                assertThat(jacksonDependencies(m)).as("Jackson dependencies a host inherits from %s/pom.xml",
                        m.directory()).isEmpty();
                Jar jar = Jar.read(m.target("", "jar"));
                assertThat(jar.requires()).as("requires of %s's module descriptor", m.artifactId())
                        .noneMatch(r -> r.startsWith("com.fasterxml.jackson"));
                assertThat(jar.importPackage()).as("Import-Package of %s", m.artifactId())
                        .doesNotContain("com.fasterxml.jackson");
                assertThat(jar.classesNaming(JACKSON_PACKAGE)).as("classes of %s naming Jackson", m.artifactId())
                        .isEmpty();
                assertThat(jar.classCount()).as("class files in %s", m.artifactId()).isGreaterThan(10);
            }));
        }
        return tests.stream();
    }

    @Test
    void restModuleWhenBuiltThenTheSameReadingFindsJackson() throws IOException {
        for (Reactor.Module m : modules(REST_MODULES)) {
            assertThat(jacksonDependencies(m)).as("%s/pom.xml", m.directory()).contains("jackson-databind");
            Jar jar = Jar.read(m.target("", "jar"));
            assertThat(jar.requires()).as(m.artifactId()).contains("com.fasterxml.jackson.databind");
            assertThat(jar.importPackage()).as(m.artifactId()).contains("com.fasterxml.jackson.databind");
            assertThat(jar.classesNaming(JACKSON_PACKAGE)).as(m.artifactId()).isNotEmpty();
        }
    }

    private static List<Reactor.Module> modules(List<String> artifactIds) throws IOException {
        List<Reactor.Module> found = new ArrayList<>();
        for (Reactor.Module m : Reactor.fromSystemProperty().modules()) {
            if (artifactIds.contains(m.artifactId())) {
                found.add(m);
            }
        }
        assertThat(found).extracting(Reactor.Module::artifactId).as("modules of the reactor")
                .containsExactlyInAnyOrderElementsOf(artifactIds);
        return found;
    }

    /** The artifactIds of Jackson dependencies in compile or runtime scope (what a host's build inherits). */
    private static List<String> jacksonDependencies(Reactor.Module m) throws IOException {
        Element project = Reactor.parse(m.basedir().resolve("pom.xml")).getDocumentElement();
        List<String> found = new ArrayList<>();
        Optional<Element> dependencies = Reactor.child(project, "dependencies");
        if (dependencies.isPresent()) {
            for (Element d : Reactor.children(dependencies.get(), "dependency")) {
                String group = Reactor.text(d, "groupId").orElse("");
                String scope = Reactor.text(d, "scope").orElse("compile");
                if (group.startsWith(JACKSON_GROUP) && (scope.equals("compile") || scope.equals("runtime"))) {
                    found.add(Reactor.text(d, "artifactId").orElse(""));
                }
            }
        }
        return found;
    }

    /** What the checks read from a packaged jar. */
    private record Jar(List<String> requires, String importPackage, List<String> classNames, List<byte[]> classes) {

        static Jar read(Path path) throws IOException {
            assertThat(path).as("%s was not built; run the whole reactor (mvn verify)", path).isRegularFile();
            try (JarFile file = new JarFile(path.toFile())) {
                ModuleDescriptor descriptor;
                try (InputStream in = file.getInputStream(file.getJarEntry("module-info.class"))) {
                    descriptor = ModuleDescriptor.read(in);
                }
                List<String> requires = descriptor.requires().stream().map(ModuleDescriptor.Requires::name).toList();
                String imports = Optional.ofNullable(file.getManifest().getMainAttributes().getValue("Import-Package"))
                        .orElse("");
                List<String> names = new ArrayList<>();
                List<byte[]> classes = new ArrayList<>();
                for (JarEntry e : Collections.list(file.entries())) {
                    if (e.getName().endsWith(".class") && !e.getName().equals("module-info.class")) {
                        try (InputStream in = file.getInputStream(e)) {
                            classes.add(in.readAllBytes());
                            names.add(e.getName());
                        }
                    }
                }
                return new Jar(requires, imports, names, classes);
            }
        }

        int classCount() {
            return classes.size();
        }

        /** The class files whose bytes hold {@code text} (constant pool strings are modified UTF-8: ASCII as is). */
        List<String> classesNaming(String text) {
            List<String> naming = new ArrayList<>();
            for (int i = 0; i < classes.size(); i++) {
                if (new String(classes.get(i), StandardCharsets.ISO_8859_1).contains(text)) {
                    naming.add(classNames.get(i));
                }
            }
            return naming;
        }
    }
}

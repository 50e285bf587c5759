package dev.latchkey.buildchecks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every library jar the reactor built (a module with {@code src/main/java/module-info.java}) is both a JPMS
 * module and an OSGi bundle, and the two views agree: {@code Bundle-SymbolicName} is the module name and
 * {@code Export-Package} is exactly the set of {@code exports} of {@code module-info.class}, a qualified export
 * ({@code exports p to m}) as a friend export ({@code x-friends:="m"}). The bundles resolve together: every
 * {@code dev.latchkey} package a bundle imports is exported to it by one of them. Each also ships sources, javadoc
 * and a CycloneDX SBOM.
 * The modules come from the root pom, so a module added later is checked without an edit here.
 */
class LibraryJarsIT {

    @TestFactory
    Stream<DynamicTest> jarWhenBuiltThenOsgiHeadersAgreeWithModuleDescriptor() throws IOException {
        return libraries().stream().map(m -> DynamicTest.dynamicTest(m.artifactId(), () -> {
            Path jar = m.target("", "jar");
            assertThat(jar).as("%s was not built; run the whole reactor (mvn verify)", jar).isRegularFile();
            try (JarFile file = new JarFile(jar.toFile())) {
                JarEntry descriptorEntry = file.getJarEntry("module-info.class");
                assertThat(descriptorEntry).as("module-info.class in %s", jar).isNotNull();
                ModuleDescriptor descriptor;
                try (InputStream in = file.getInputStream(descriptorEntry)) {
                    descriptor = ModuleDescriptor.read(in);
                }
                Attributes main = file.getManifest().getMainAttributes();

                String symbolicName = main.getValue("Bundle-SymbolicName");
                assertThat(symbolicName).as("Bundle-SymbolicName of %s", jar).isNotBlank();
                assertThat(symbolicName.split(";")[0].trim())
                        .as("Bundle-SymbolicName of %s (set latchkey.module.name in %s/pom.xml)", jar, m.directory())
                        .isEqualTo(descriptor.name());

                // package -> its friends (empty: exported to all), from module-info and from the manifest
                Map<String, Set<String>> fromDescriptor = new TreeMap<>();
                descriptor.exports().forEach(e -> fromDescriptor.put(e.source(), new TreeSet<>(e.targets())));
                Map<String, Set<String>> fromManifest = new TreeMap<>();
                OsgiHeaders.parameters(main.getValue("Export-Package")).forEach((p, a) -> fromManifest.put(p,
                        a.containsKey("x-friends:") ? new TreeSet<>(List.of(a.get("x-friends:").split("\\s*,\\s*")))
                                : new TreeSet<>()));
                assertThat(fromManifest)
                        .as("Export-Package of %s vs module-info exports (set latchkey.module.exports, and "
                                + "latchkey.module.friends for qualified exports, in %s/pom.xml)", jar, m.directory())
                        .isEqualTo(fromDescriptor);
                assertThat(main.getValue("Bundle-ManifestVersion")).isEqualTo("2");
            }
        }));
    }

    /**
     * What an OSGi framework checks when it resolves the bundles: each {@code dev.latchkey} package a library bundle
     * imports (not optionally) is exported by a library bundle, to it (no friends list, or one that names it). A
     * qualified export in module-info that is not a friend export in the manifest fails here for the bundle that
     * uses it.
     */
    @Test
    void bundlesWhenResolvedTogetherThenEveryLatchkeyImportIsExportedToTheImporter() throws IOException {
        record Bundle(String name, Map<String, Map<String, String>> exports, Map<String, Map<String, String>> imports) {
        }
        List<Bundle> bundles = new ArrayList<>();
        for (Reactor.Module m : libraries()) {
            try (JarFile file = new JarFile(m.target("", "jar").toFile())) {
                Attributes main = file.getManifest().getMainAttributes();
                bundles.add(new Bundle(main.getValue("Bundle-SymbolicName").split(";")[0].trim(),
                        OsgiHeaders.parameters(main.getValue("Export-Package")),
                        OsgiHeaders.parameters(main.getValue("Import-Package"))));
            }
        }
        List<String> unresolved = new ArrayList<>();
        int checked = 0;
        for (Bundle importer : bundles) {
            for (Map.Entry<String, Map<String, String>> imp : importer.imports().entrySet()) {
                if (!imp.getKey().startsWith("dev.latchkey.") || "optional".equals(imp.getValue().get("resolution:"))) {
                    continue;
                }
                checked++;
                boolean exported = bundles.stream().anyMatch(b -> {
                    Map<String, String> e = b.exports().get(imp.getKey());
                    return e != null && (!e.containsKey("x-friends:")
                            || List.of(e.get("x-friends:").split("\\s*,\\s*")).contains(importer.name()));
                });
                if (!exported) {
                    unresolved.add(importer.name() + " imports " + imp.getKey());
                }
            }
        }
        assertThat(checked).as("dev.latchkey imports checked").isPositive();
        assertThat(unresolved).as("imports no library bundle exports to the importer").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> libraryWhenPackagedThenSourcesJavadocAndSbomArePresent() throws IOException {
        return libraries().stream().map(m -> DynamicTest.dynamicTest(m.artifactId(), () -> {
            List<Path> expected = new ArrayList<>(List.of(m.target("sources", "jar"), m.target("javadoc", "jar")));
            if (!"offline-true".equals(System.getProperty("latchkey.offline"))) {
                // Maven skips makeBom in offline mode (the goal is marked requiresOnline; CycloneDX issue #439)
                expected.add(m.target("cyclonedx", "json"));
            }
            for (Path p : expected) {
                assertThat(p).as("%s of module %s", p.getFileName(), m.directory()).isRegularFile();
                assertThat(Files.size(p)).as("size of %s", p).isPositive();
            }
            try (JarFile javadoc = new JarFile(m.target("javadoc", "jar").toFile())) {
                assertThat(javadoc.getJarEntry("index.html")).as("index.html in the javadoc jar").isNotNull();
            }
        }));
    }

    @Test
    void everyPublishedJarIsALibraryModule() throws IOException {
        for (Reactor.Module m : Reactor.fromSystemProperty().modules()) {
            if (m.published() && !m.hasModuleDescriptor()) {
                // an integration module whose own dependencies are automatic modules (Spring) may stay on the
                // class path, but must still have a stable JPMS name
                try (JarFile file = new JarFile(m.target("", "jar").toFile())) {
                    assertThat(file.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                            .as("published module %s needs src/main/java/module-info.java (JPMS name, exports, "
                                    + "and the library profile: OSGi headers, sources, javadoc, SBOM), or at least an "
                                    + "Automatic-Module-Name in its manifest", m.directory())
                            .isNotBlank();
                }
            }
        }
    }

    private static List<Reactor.Module> libraries() throws IOException {
        List<Reactor.Module> libraries = new ArrayList<>();
        for (Reactor.Module m : Reactor.fromSystemProperty().modules()) {
            if (m.packaging().equals("jar") && m.hasModuleDescriptor()) {
                libraries.add(m);
            }
        }
        assertThat(libraries).as("library modules in the reactor").isNotEmpty();
        return libraries;
    }
}

package dev.latchkey.javax;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A javax twin's packaged jar is a javax.servlet library: no class file's constant pool names
 * {@code jakarta.servlet} in any form (types, descriptors, signatures, annotations, strings, module requires), its
 * filters and servlets implement the javax.servlet types, every class of its Jakarta module's sources is there, the
 * module and OSGi names are the twin's own, and the sources jar holds the renamed sources. Runs after
 * {@code package} in token-servlet-javax and token-rest-javax: the root pom's javax-twin profile adds this
 * directory, untransformed, to both twins' test sources, and passes the jars, the Jakarta sources and the module's
 * name and exports as system properties.
 */
class JavaxJarIT {
    private static final List<String> JAKARTA = List.of("jakarta/servlet", "jakarta.servlet");

    private static Path jar() {
        return Path.of(System.getProperty("latchkey.jar"));
    }

    private static String moduleName() {
        return System.getProperty("latchkey.moduleName");
    }

    /** The exported package, as a path: {@code dev/latchkey/servlet}. */
    private static String exportedPath() {
        return System.getProperty("latchkey.moduleExports").replace('.', '/');
    }

    @Test
    void jarWhenBuiltThenNoClassFileReferencesJakartaServlet() throws IOException {
        int classes = 0;
        Set<String> servletTypes = new TreeSet<>();
        try (JarFile file = new JarFile(jar().toFile())) {
            for (JarEntry e : Collections.list(file.entries())) {
                if (!e.getName().endsWith(".class")) {
                    continue;
                }
                classes++;
                List<String> pool;
                try (InputStream in = file.getInputStream(e)) {
                    pool = utf8Constants(in.readAllBytes());
                }
                for (String constant : pool) {
                    for (String jakarta : JAKARTA) {
                        assertThat(constant).as("a constant of %s", e.getName()).doesNotContain(jakarta);
                    }
                    if (constant.startsWith("javax/servlet/")) {
                        servletTypes.add(constant);
                    }
                }
            }
        }
        // at least one class file per source file of the Jakarta module (nested classes add more)
        assertThat(classes).as("class files in %s", jar()).isGreaterThanOrEqualTo(jakartaSourceFiles().size())
                .isGreaterThan(5);
        // the reader saw real references: the filters' and the servlets' own supertypes are javax ones
        assertThat(servletTypes).contains("javax/servlet/Filter", "javax/servlet/http/HttpServlet",
                "javax/servlet/http/HttpServletRequest");
    }

    @Test
    void scanWhenAClassNamesJakartaServletThenItIsSeen() throws IOException {
        // this test class holds the two spellings as string constants: the reader must find them
        byte[] self;
        try (InputStream in = JavaxJarIT.class.getResourceAsStream("JavaxJarIT.class")) {
            self = in.readAllBytes();
        }
        assertThat(utf8Constants(self)).containsAll(JAKARTA).contains("dev/latchkey/javax/JavaxJarIT");
    }

    @Test
    void jarWhenBuiltThenEveryClassOfTheJakartaModulesSourcesIsThere() throws IOException {
        List<String> expected = jakartaSourceFiles();
        assertThat(expected).as("the Jakarta module's sources").isNotEmpty();
        try (JarFile file = new JarFile(jar().toFile())) {
            for (String name : expected) {
                assertThat(file.getJarEntry(name)).as("%s in %s", name, jar()).isNotNull();
            }
        }
    }

    @Test
    void jarWhenBuiltThenModuleAndBundleAreThisModulesAndImportJavaxServlet() throws IOException {
        try (JarFile file = new JarFile(jar().toFile())) {
            ModuleDescriptor module;
            try (InputStream in = file.getInputStream(file.getJarEntry("module-info.class"))) {
                module = ModuleDescriptor.read(in);
            }
            assertThat(module.name()).isEqualTo(moduleName());
            assertThat(module.exports()).filteredOn(e -> !e.isQualified()).extracting(ModuleDescriptor.Exports::source)
                    .containsExactly(System.getProperty("latchkey.moduleExports"));
            assertThat(module.requires()).extracting(ModuleDescriptor.Requires::name)
                    .contains("java.servlet").doesNotContain("jakarta.servlet");

            Attributes main = file.getManifest().getMainAttributes();
            assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo(moduleName());
            String imports = main.getValue("Import-Package");
            assertThat(imports).contains("javax.servlet;", "javax.servlet.http;").doesNotContain("jakarta");
        }
    }

    @Test
    void sourcesJarWhenBuiltThenHoldsTheRenamedSources() throws IOException {
        try (JarFile file = new JarFile(System.getProperty("latchkey.sourcesJar"))) {
            // a filter of the exported package: LatchkeyFilter in token-servlet-javax, SelfRotationFilter in token-rest-javax
            JarEntry filter = Collections.list(file.entries()).stream()
                    .filter(e -> e.getName().startsWith(exportedPath() + "/") && e.getName().endsWith("Filter.java"))
                    .findFirst().orElse(null);
            assertThat(filter).as("a filter's source in the sources jar").isNotNull();
            for (JarEntry e : Collections.list(file.entries())) {
                if (e.getName().endsWith(".java")) {
                    try (InputStream in = file.getInputStream(e)) {
                        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).as(e.getName())
                                .doesNotContain("jakarta.servlet");
                    }
                }
            }
            try (InputStream in = file.getInputStream(filter)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("import javax.servlet.Filter;");
            }
            try (InputStream in = file.getInputStream(file.getJarEntry("module-info.java"))) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .contains("module " + moduleName() + " {");
            }
        }
    }

    /** The class file each source file of the Jakarta module compiles to ({@code dev/latchkey/.../X.class}). */
    private static List<String> jakartaSourceFiles() throws IOException {
        Path sources = Path.of(System.getProperty("latchkey.jakartaSources"));
        List<String> expected = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java"))
                    .forEach(p -> expected.add(sources.relativize(p).toString().replace('\\', '/')
                            .replaceAll("\\.java$", ".class")));
        }
        return expected;
    }

    /** The CONSTANT_Utf8 entries of a class file's constant pool (JVMS 4.4), which every name in it points to. */
    static List<String> utf8Constants(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        List<String> utf8 = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.add(in.readUTF()); // u2 length + modified UTF-8, as DataInput reads it
                case 7, 8, 16, 19, 20 -> in.skipNBytes(2); // Class, String, MethodType, Module, Package
                case 15 -> in.skipNBytes(3); // MethodHandle
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                case 5, 6 -> { // Long, Double take two slots
                    in.skipNBytes(8);
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
            }
        }
        return utf8;
    }
}

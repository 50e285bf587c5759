package dev.latchkey.servlet;

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
 * The packaged jar is a javax.servlet library: no class file's constant pool names {@code jakarta.servlet} in
 * any form (types, descriptors, signatures, annotations, strings, module requires), the filter and servlets
 * implement the javax.servlet types, every class of token-servlet's sources is there, the module and OSGi names
 * are this module's own, and the sources jar holds the renamed sources. Runs after {@code package}.
 */
class JavaxJarIT {
    private static final List<String> JAKARTA = List.of("jakarta/servlet", "jakarta.servlet");

    private static Path jar() {
        return Path.of(System.getProperty("latchkey.jar"));
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
        assertThat(classes).as("class files in %s", jar()).isGreaterThan(20);
        // the reader saw real references: the filter's and the servlets' own supertypes are javax ones
        assertThat(servletTypes).contains("javax/servlet/Filter", "javax/servlet/http/HttpServlet",
                "javax/servlet/http/HttpServletRequest", "javax/servlet/http/HttpServletRequestWrapper");
    }

    @Test
    void scanWhenAClassNamesJakartaServletThenItIsSeen() throws IOException {
        // this test class holds the two spellings as string constants: the reader must find them
        byte[] self;
        try (InputStream in = JavaxJarIT.class.getResourceAsStream("JavaxJarIT.class")) {
            self = in.readAllBytes();
        }
        assertThat(utf8Constants(self)).containsAll(JAKARTA).contains("dev/latchkey/servlet/JavaxJarIT");
    }

    @Test
    void jarWhenBuiltThenEveryClassOfTokenServletsSourcesIsThere() throws IOException {
        Path sources = Path.of(System.getProperty("latchkey.jakartaSources"));
        List<String> expected = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(p -> p.toString().endsWith(".java") && !p.endsWith("module-info.java"))
                    .forEach(p -> expected.add(sources.relativize(p).toString().replace('\\', '/')
                            .replaceAll("\\.java$", ".class")));
        }
        assertThat(expected).as("token-servlet's sources").isNotEmpty();
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
            assertThat(module.name()).isEqualTo("dev.latchkey.servlet.javax");
            assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("dev.latchkey.servlet");
            assertThat(module.requires()).extracting(ModuleDescriptor.Requires::name)
                    .contains("java.servlet").doesNotContain("jakarta.servlet");

            Attributes main = file.getManifest().getMainAttributes();
            assertThat(main.getValue("Bundle-SymbolicName")).isEqualTo("dev.latchkey.servlet.javax");
            String imports = main.getValue("Import-Package");
            assertThat(imports).contains("javax.servlet;", "javax.servlet.http;").doesNotContain("jakarta");
        }
    }

    @Test
    void sourcesJarWhenBuiltThenHoldsTheRenamedSources() throws IOException {
        try (JarFile file = new JarFile(System.getProperty("latchkey.sourcesJar"))) {
            JarEntry filter = file.getJarEntry("dev/latchkey/servlet/LatchkeyFilter.java");
            assertThat(filter).as("LatchkeyFilter.java in the sources jar").isNotNull();
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
                        .contains("module dev.latchkey.servlet.javax");
            }
        }
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

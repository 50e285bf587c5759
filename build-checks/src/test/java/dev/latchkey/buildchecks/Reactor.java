package dev.latchkey.buildchecks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * The reactor as the root {@code pom.xml} declares it, read with the JDK's XML parser (no Maven model), so the
 * checks follow the module list: a module added to {@code <modules>} is checked without any edit here.
 */
final class Reactor {

    /** One module of the reactor, as far as the checks need it. */
    record Module(String directory, Path basedir, String artifactId, String packaging, boolean deploySkipped,
                  boolean hasModuleDescriptor, String version) {

        /** Published to a repository as a jar: what users depend on, so it belongs in the BOM. */
        boolean published() {
            return packaging.equals("jar") && !deploySkipped;
        }

        Path target(String classifier, String extension) {
            String suffix = classifier.isEmpty() ? "" : "-" + classifier;
            return basedir.resolve("target").resolve(artifactId + "-" + version + suffix + "." + extension);
        }
    }

    private final Path root;
    private final String version;
    private final List<String> moduleDirectories;

    private Reactor(Path root, String version, List<String> moduleDirectories) {
        this.root = root;
        this.version = version;
        this.moduleDirectories = List.copyOf(moduleDirectories);
    }

    /** The reactor whose root is given by the {@code latchkey.root} system property (set by the pom). */
    static Reactor fromSystemProperty() throws IOException {
        String root = Objects.requireNonNull(System.getProperty("latchkey.root"),
                "system property latchkey.root (the reactor root; build-checks/pom.xml sets it)");
        return read(Path.of(root).toAbsolutePath().normalize());
    }

    static Reactor read(Path root) throws IOException {
        Element project = parse(root.resolve("pom.xml")).getDocumentElement();
        List<String> modules = new ArrayList<>();
        Optional<Element> modulesElement = child(project, "modules");
        modulesElement.ifPresent(m -> children(m, "module").forEach(e -> modules.add(e.getTextContent().trim())));
        String version = text(project, "version").orElseThrow(() -> new IllegalStateException("root pom has no version"));
        return new Reactor(root, version, modules);
    }

    Path root() {
        return root;
    }

    List<String> moduleDirectories() {
        return moduleDirectories;
    }

    List<Module> modules() throws IOException {
        List<Module> result = new ArrayList<>();
        for (String directory : moduleDirectories) {
            Path basedir = root.resolve(directory);
            Element project = parse(basedir.resolve("pom.xml")).getDocumentElement();
            String artifactId = text(project, "artifactId").orElseThrow();
            String packaging = text(project, "packaging").orElse("jar");
            boolean deploySkipped = child(project, "properties")
                    .flatMap(p -> text(p, "maven.deploy.skip"))
                    .map(Boolean::parseBoolean)
                    .orElse(false);
            String moduleVersion = text(project, "version").orElse(version);
            result.add(new Module(directory, basedir, artifactId, packaging, deploySkipped,
                    Files.exists(basedir.resolve("src/main/java/module-info.java")), moduleVersion));
        }
        return result;
    }

    static Document parse(Path pom) throws IOException {
        try (InputStream in = Files.newInputStream(pom)) {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder builder = factory.newDocumentBuilder();
            return builder.parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot parse " + pom + ": " + e.getMessage(), e);
        }
    }

    static Optional<Element> child(Element parent, String name) {
        return children(parent, name).stream().findFirst();
    }

    static List<Element> children(Element parent, String name) {
        List<Element> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                result.add(e);
            }
        }
        return result;
    }

    static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(e -> e.getTextContent().trim());
    }
}

package dev.latchkey.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * Bare git repositories on disk, Bitbucket style: project {@code KEY} and repository {@code slug} live in
 * {@code <root>/KEY/slug.git}. Project keys are upper case, slugs lower case (as Bitbucket and the request
 * classifier treat them). Thread-safe (creation and deletion are synchronised; git itself locks refs).
 */
final class DemoRepositories {
    static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");
    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    private final Path root;

    DemoRepositories(Path root) {
        this.root = root;
    }

    /** A repository as the REST API shows it. */
    record Repo(String projectKey, String slug) {
    }

    /** The canonical project key, or empty when {@code key} cannot be one. */
    static Optional<String> key(String key) {
        String k = key.toUpperCase(Locale.ROOT);
        return KEY.matcher(k).matches() ? Optional.of(k) : Optional.empty();
    }

    /** The canonical slug, or empty when {@code slug} cannot be one. */
    static Optional<String> slug(String slug) {
        String s = slug.toLowerCase(Locale.ROOT);
        return SLUG.matcher(s).matches() && !s.endsWith(".git") ? Optional.of(s) : Optional.empty();
    }

    /** A slug made from a repository name, Bitbucket style ("My Repo" becomes {@code my-repo}). */
    static Optional<String> slugFromName(String name) {
        String s = name.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^-+|-+$", "");
        return slug(s);
    }

    List<String> projects() {
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    if (Files.isDirectory(p) && KEY.matcher(n).matches()) {
                        out.add(n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort(null);
        return out;
    }

    boolean projectExists(String key) {
        return KEY.matcher(key).matches() && Files.isDirectory(root.resolve(key));
    }

    List<Repo> repos(String key) {
        List<Repo> out = new ArrayList<>();
        if (projectExists(key)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root.resolve(key), "*.git")) {
                for (Path p : ds) {
                    String n = p.getFileName().toString();
                    String slug = n.substring(0, n.length() - 4);
                    if (Files.isDirectory(p) && SLUG.matcher(slug).matches()) {
                        out.add(new Repo(key, slug));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        out.sort((a, b) -> a.slug().compareTo(b.slug()));
        return out;
    }

    Optional<Repo> find(String key, String slug) {
        return Files.isDirectory(dir(key, slug)) ? Optional.of(new Repo(key, slug)) : Optional.empty();
    }

    Path dir(String key, String slug) {
        if (!KEY.matcher(key).matches() || !SLUG.matcher(slug).matches()) {
            throw new IllegalArgumentException("not a project key / repository slug");
        }
        return root.resolve(key).resolve(slug + ".git");
    }

    /** Opens an existing bare repository (the caller closes it), or empty. */
    Optional<Repository> open(String key, String slug) throws IOException {
        Path d = dir(key, slug);
        if (!Files.isDirectory(d)) {
            return Optional.empty();
        }
        return Optional.of(new FileRepositoryBuilder().setGitDir(d.toFile()).setMustExist(true).setBare().build());
    }

    /** Creates a project directory. */
    synchronized void createProject(String key) throws IOException {
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("not a project key");
        }
        Files.createDirectories(root.resolve(key));
    }

    /**
     * Creates an empty bare repository, or with {@code readme} a repository holding one commit of a README on
     * {@code main}. Returns false when it already existed.
     */
    synchronized boolean create(String key, String slug, Optional<String> readme) throws IOException {
        Path d = dir(key, slug);
        if (Files.exists(d)) {
            return false;
        }
        Files.createDirectories(d.getParent());
        try (Repository repo = new FileRepositoryBuilder().setGitDir(d.toFile()).setBare().build()) {
            repo.create(true);
            RefUpdate head = repo.getRefDatabase().newUpdate(Constants.HEAD, false);
            head.disableRefLog();
            head.link("refs/heads/main");
            repo.getConfig().setBoolean("http", null, "receivepack", true);
            repo.getConfig().save();
            if (readme.isPresent()) {
                initialCommit(repo, readme.get());
            }
        }
        return true;
    }

    private static void initialCommit(Repository repo, String readme) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, readme.getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("README.md", FileMode.REGULAR_FILE, blob);
            ObjectId treeId = ins.insert(tree);
            PersonIdent who = new PersonIdent("Latchkey demo", "demo@latchkey.invalid",
                    Instant.now(), ZoneOffset.UTC);
            CommitBuilder commit = new CommitBuilder();
            commit.setTreeId(treeId);
            commit.setAuthor(who);
            commit.setCommitter(who);
            commit.setMessage("Initial commit\n");
            ObjectId commitId = ins.insert(commit);
            ins.flush();
            RefUpdate ru = repo.updateRef("refs/heads/main");
            ru.setNewObjectId(commitId);
            ru.setExpectedOldObjectId(ObjectId.zeroId());
            RefUpdate.Result r = ru.update();
            if (r != RefUpdate.Result.NEW) {
                throw new IOException("could not create refs/heads/main: " + r);
            }
        }
    }

    /** Deletes a repository. Returns false when it did not exist. */
    synchronized boolean delete(String key, String slug) throws IOException {
        Path d = dir(key, slug);
        if (!Files.isDirectory(d)) {
            return false;
        }
        Files.walkFileTree(d, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        return true;
    }
}

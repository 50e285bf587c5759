package dev.latchkey.demo;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;

/**
 * Git smart HTTP at {@code /scm/{KEY}/{slug}.git} with JGit's {@link GitServlet}. By the time a request gets
 * here the Latchkey filter has checked the token's scope (fetch needs READ, push WRITE, on that repository)
 * and the host filter has required authentication; this class adds the host's own rights (push needs project
 * write rights) and push protection: a push containing an active API token is refused ({@link PushProtection}).
 */
final class DemoGit {
    private DemoGit() {
    }

    /** The git servlet; {@code protection} null turns push protection off. */
    static GitServlet servlet(DemoRepositories repos, HostRights rights, PushProtection protection) {
        GitServlet git = new GitServlet();
        git.setRepositoryResolver((HttpServletRequest req, String name) -> {
            if (!rights.mayRead(req)) {
                throw new ServiceNotAuthorizedException();
            }
            Optional<Repository> repo = resolve(repos, name);
            if (repo.isEmpty()) {
                throw new RepositoryNotFoundException(name);
            }
            return repo.get();
        });
        git.setUploadPackFactory((HttpServletRequest req, Repository db) -> new UploadPack(db));
        git.setReceivePackFactory((HttpServletRequest req, Repository db) -> {
            if (!rights.mayWrite(req)) {
                throw new ServiceNotAuthorizedException();
            }
            ReceivePack rp = new ReceivePack(db);
            String user = req.getRemoteUser();
            rp.setRefLogIdent(new org.eclipse.jgit.lib.PersonIdent(user, user + "@demo.invalid"));
            java.io.File dir = db.getDirectory();
            if (protection != null) {
                rp.setPreReceiveHook(protection.forPush(dir.getParentFile().getName() + "/" + dir.getName(), user));
            }
            return rp;
        });
        return git;
    }

    /** {@code KEY/slug.git} to an open repository, or empty. */
    static Optional<Repository> resolve(DemoRepositories repos, String name) {
        String[] parts = name.split("/", -1);
        if (parts.length != 2 || !parts[1].endsWith(".git")) {
            return Optional.empty();
        }
        Optional<String> key = DemoRepositories.key(parts[0]);
        Optional<String> slug = DemoRepositories.slug(parts[1].substring(0, parts[1].length() - 4));
        if (key.isEmpty() || slug.isEmpty()) {
            return Optional.empty();
        }
        try {
            return repos.open(key.get(), slug.get());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}

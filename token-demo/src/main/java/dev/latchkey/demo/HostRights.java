package dev.latchkey.demo;

import dev.latchkey.core.TokenInfo;
import dev.latchkey.servlet.LatchkeyAttributes;
import dev.latchkey.spi.TokenKind;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.Set;

/**
 * The demo host's own permission model, deliberately simple: every active user may read every project and
 * repository; members of {@code host.projectWriteGroups} may also create repositories and push; members of
 * {@code host.projectAdminGroups} may delete repositories. A service token acts as its own principal and has
 * exactly what its scope grants (the Latchkey filter has enforced that already). A personal token is checked
 * here against its owner's rights, so it never exceeds them.
 */
final class HostRights {
    private final DemoDirectory directory;
    private final Set<String> writeGroups;
    private final Set<String> adminGroups;

    HostRights(DemoDirectory directory, DemoConfig config) {
        this.directory = directory;
        this.writeGroups = config.projectWriteGroups();
        this.adminGroups = config.projectAdminGroups();
    }

    static Optional<TokenInfo> token(HttpServletRequest req) {
        Object t = req.getAttribute(LatchkeyAttributes.TOKEN);
        return t instanceof TokenInfo ? Optional.of((TokenInfo) t) : Optional.empty();
    }

    private static boolean service(HttpServletRequest req) {
        return token(req).map(t -> t.kind() == TokenKind.SERVICE).orElse(false);
    }

    boolean mayRead(HttpServletRequest req) {
        String user = req.getRemoteUser();
        return user != null && (service(req) || directory.activeUser(user).isPresent());
    }

    boolean mayWrite(HttpServletRequest req) {
        return has(req, writeGroups) || has(req, adminGroups);
    }

    boolean mayAdmin(HttpServletRequest req) {
        return has(req, adminGroups);
    }

    private boolean has(HttpServletRequest req, Set<String> groups) {
        String user = req.getRemoteUser();
        if (user == null) {
            return false;
        }
        if (service(req)) {
            return true;
        }
        return directory.activeUser(user).map(u -> u.groups().stream().anyMatch(groups::contains)).orElse(false);
    }
}

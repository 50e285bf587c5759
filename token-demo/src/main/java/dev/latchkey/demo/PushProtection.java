package dev.latchkey.demo;

import dev.latchkey.core.LeakOutcome;
import dev.latchkey.core.TokenService;
import dev.latchkey.core.scan.Finding;
import dev.latchkey.core.scan.TokenScanner;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.revwalk.RevSort;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PreReceiveHook;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Push protection (issue 14): a pre-receive hook that scans the blobs a push adds for this host's tokens before any
 * ref moves. A push containing an <em>active</em> token is refused, naming the file, line and commit (never the
 * token), and the token is revoked as leaked through {@link TokenService#reportLeaked}, which audits the place and
 * tells the owner. A token that is already revoked or expired, or a look-alike this host does not know, does not
 * refuse the push: it opens nothing, and refusing would only force a history rewrite (the pusher is told about
 * an inactive token of ours, so they can remove it).
 *
 * <p>Only new objects are read: the blobs reachable from the pushed tips and from no ref the repository already
 * had. Each blob is streamed through the scanner (bounded memory whatever its size); at most
 * {@code maxBlobBytes} of a blob are scanned (the pusher is warned about a larger one), and a push holding more
 * than {@value #MAX_CANDIDATES} distinct checksum-valid tokens is refused as unscannable (fail closed).
 * Thread-safe: one instance serves every push.
 */
final class PushProtection {
    private static final Logger LOG = LoggerFactory.getLogger(PushProtection.class);
    /** Distinct token-shaped strings one push may hold before it is refused unread. */
    static final int MAX_CANDIDATES = 1000;
    private static final int MAX_SHOWN_PATH = 200;

    private final TokenService tokens;
    private final TokenScanner scanner;
    private final long maxBlobBytes;

    PushProtection(TokenService tokens, TokenScanner scanner, long maxBlobBytes) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        if (maxBlobBytes < 1) {
            throw new IllegalArgumentException("maxBlobBytes must be positive, was " + maxBlobBytes);
        }
        this.maxBlobBytes = maxBlobBytes;
    }

    /** A hook for one push into {@code repoName} (KEY/slug) by {@code pusher}. */
    PreReceiveHook forPush(String repoName, String pusher) {
        return (rp, commands) -> check(rp, commands, repoName, pusher);
    }

    /** Where one token was found first. */
    private record Place(String path, long line, String commit, Finding finding) {
    }

    private void check(ReceivePack rp, Collection<ReceiveCommand> commands, String repoName, String pusher) {
        List<ReceiveCommand> updates = new ArrayList<>();
        for (ReceiveCommand c : commands) {
            if (c.getResult() == ReceiveCommand.Result.NOT_ATTEMPTED && c.getType() != ReceiveCommand.Type.DELETE) {
                updates.add(c);
            }
        }
        if (updates.isEmpty()) {
            return;
        }
        Map<String, Place> found = new LinkedHashMap<>(); // token text -> first place; never logged or shown
        List<String> oversized = new ArrayList<>();
        try {
            scanNewBlobs(rp, updates, found, oversized);
        } catch (TooManyCandidates e) {
            rejectAll(rp, updates, "push protection: more than " + MAX_CANDIDATES + " token-shaped strings; "
                    + "refused unread");
            return;
        } catch (IOException | RuntimeException e) {
            // fail closed: a push we could not read is not known to be clean
            LOG.warn("push protection could not scan a push into {}; refusing it: {}", repoName, e.toString());
            rejectAll(rp, updates, "push protection could not scan this push; try again");
            return;
        }
        for (String path : oversized) {
            rp.sendMessage("push protection: only the first " + maxBlobBytes + " bytes of " + path
                    + " were scanned for API tokens");
        }
        List<Place> active = new ArrayList<>();
        for (Map.Entry<String, Place> e : found.entrySet()) {
            Place p = e.getValue();
            LeakOutcome outcome;
            try {
                outcome = tokens.reportLeaked("git push by " + pusher + " to " + repoName, e.getKey(),
                        where(repoName, p.path(), p.line(), p.commit()));
            } catch (RuntimeException ex) {
                // the store failed: we cannot tell whether the token is active, so the push does not go in
                LOG.warn("push protection could not check a token found in {}; refusing the push: {}", repoName,
                        ex.toString());
                rejectAll(rp, updates, "push protection could not check a token found in " + shown(p.path()) + ":"
                        + p.line() + "; try again");
                return;
            }
            if (outcome == LeakOutcome.REVOKED) {
                active.add(p);
            } else if (outcome == LeakOutcome.ALREADY_INACTIVE) {
                rp.sendMessage("push protection: " + shown(p.path()) + ":" + p.line() + " holds an API token of this "
                        + "server (" + p.finding().hint() + ") that is already revoked or expired; consider removing it");
            }
        }
        if (active.isEmpty()) {
            return;
        }
        for (Place p : active) {
            rp.sendError("push protection: an active API token (" + p.finding().hint() + ") is in " + shown(p.path())
                    + ":" + p.line() + " (commit " + p.commit().substring(0, 12) + "). It has been revoked and its "
                    + "owner told. Remove it from every commit, create a new token, and push again.");
        }
        Place first = active.get(0);
        rejectAll(rp, updates, "API token found in " + shown(first.path()) + ":" + first.line()
                + (active.size() > 1 ? " and " + (active.size() - 1) + " more" : ""));
        LOG.info("push protection refused a push by {} to {}: {} active token(s) found", pusher, repoName, active.size());
    }

    private static void rejectAll(ReceivePack rp, List<ReceiveCommand> updates, String why) {
        for (ReceiveCommand c : updates) {
            c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, why);
        }
    }

    /** {@code KEY/slug.git/path:line@commit}, within the 500 characters the engine keeps of a place. */
    static String where(String repoName, String path, long line, String commit) {
        String tail = ":" + line + "@" + commit;
        int room = 480 - repoName.length() - tail.length();
        if (path.length() > room) {
            path = "…" + path.substring(path.length() - room + 1);
        }
        return repoName + "/" + path + tail;
    }

    /** A path as the pusher sees it: control characters replaced, long ones shortened from the left. */
    static String shown(String path) {
        StringBuilder b = new StringBuilder(path.length());
        path.codePoints().forEach(cp -> b.appendCodePoint(Character.isISOControl(cp)
                || Character.getType(cp) == Character.FORMAT ? '?' : cp));
        String s = b.toString();
        return s.length() > MAX_SHOWN_PATH ? "…" + s.substring(s.length() - MAX_SHOWN_PATH + 1) : s;
    }

    private void scanNewBlobs(ReceivePack rp, List<ReceiveCommand> updates, Map<String, Place> found,
                              List<String> oversized) throws IOException {
        try (ObjectReader reader = rp.getRepository().newObjectReader();
             ObjectWalk walk = new ObjectWalk(reader);
             RevWalk trees = new RevWalk(reader)) {
            for (ReceiveCommand c : updates) {
                walk.markStart(walk.parseAny(c.getNewId()));
            }
            for (Ref r : rp.getAdvertisedRefs().values()) {
                ObjectId id = r.getObjectId();
                if (id == null) {
                    continue;
                }
                try {
                    walk.markUninteresting(walk.parseAny(id));
                } catch (MissingObjectException e) {
                    // a ref to nothing: nothing it reaches is known to be old
                }
            }
            walk.sort(RevSort.TOPO);
            List<RevCommit> commits = new ArrayList<>();
            for (RevCommit c = walk.next(); c != null; c = walk.next()) {
                commits.add(c);
            }
            Map<ObjectId, String> newBlobs = new LinkedHashMap<>();
            for (RevObject o = walk.nextObject(); o != null; o = walk.nextObject()) {
                if (o.getType() == Constants.OBJ_BLOB) {
                    newBlobs.putIfAbsent(o.copy(), walk.getPathString());
                }
            }
            Set<ObjectId> scanned = new HashSet<>();
            // oldest first, so a blob is attributed to the commit that brought it
            for (int i = commits.size() - 1; i >= 0; i--) {
                RevCommit commit = trees.parseCommit(commits.get(i));
                try (TreeWalk tw = new TreeWalk(reader)) {
                    tw.setRecursive(true);
                    tw.addTree(commit.getTree());
                    for (RevCommit parent : commit.getParents()) {
                        tw.addTree(trees.parseCommit(parent).getTree());
                    }
                    if (commit.getParentCount() > 0) {
                        tw.setFilter(TreeFilter.ANY_DIFF); // unchanged subtrees are never opened
                    }
                    while (tw.next()) {
                        ObjectId id = tw.getObjectId(0);
                        int mode = tw.getRawMode(0);
                        if (FileMode.TREE.equals(mode) || FileMode.GITLINK.equals(mode) || FileMode.MISSING.equals(mode)
                                || !newBlobs.containsKey(id) || !scanned.add(id.copy())) {
                            continue;
                        }
                        scanBlob(reader, id, tw.getPathString(), commit.name(), found, oversized);
                    }
                }
            }
            // a blob no new commit names (a tag pointing at a tree or blob): scan it under the walk's path
            String tip = updates.get(0).getNewId().name();
            for (Map.Entry<ObjectId, String> b : newBlobs.entrySet()) {
                if (scanned.add(b.getKey())) {
                    scanBlob(reader, b.getKey(), b.getValue().isEmpty() ? b.getKey().name() : b.getValue(), tip, found,
                            oversized);
                }
            }
        }
    }

    private void scanBlob(ObjectReader reader, ObjectId id, String path, String commit, Map<String, Place> found,
                          List<String> oversized) throws IOException {
        ObjectLoader loader = reader.open(id, Constants.OBJ_BLOB);
        if (loader.getSize() > maxBlobBytes) {
            oversized.add(shown(path));
        }
        try (InputStream in = new Bounded(loader.openStream(), maxBlobBytes)) {
            scanner.scan(in, f -> {
                if (!found.containsKey(f.reveal())) {
                    if (found.size() >= MAX_CANDIDATES) {
                        throw new TooManyCandidates();
                    }
                    found.put(f.reveal(), new Place(path, f.line(), commit, f));
                }
            });
        }
    }

    /** Thrown out of the scanner's callback; carries nothing. */
    private static final class TooManyCandidates extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooManyCandidates() {
            super(null, null, false, false);
        }
    }

    /** The first {@code limit} bytes of a stream. */
    private static final class Bounded extends FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = super.read(buf, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}

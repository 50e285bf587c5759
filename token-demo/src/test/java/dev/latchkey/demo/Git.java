package dev.latchkey.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code git} binary, isolated from the user's configuration: HOME is a temporary directory,
 * no system config, no credential helper, no terminal prompts. Credentials come from an askpass script that
 * reads environment variables, so a token is never on a command line.
 */
final class Git {
    private final Path home;
    private final Path askpass;

    record Result(int exit, String output) {
    }

    private static final boolean ENV_CONFIG = atLeast(version(), 2, 31);

    static boolean atLeast(String versionLine, int major, int minor) {
        if (versionLine == null) {
            return false;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(versionLine);
        if (!m.find()) {
            return false;
        }
        int ma = Integer.parseInt(m.group(1));
        int mi = Integer.parseInt(m.group(2));
        return ma > major || (ma == major && mi >= minor);
    }

    Git(Path tmp) throws IOException {
        this.home = Files.createDirectories(tmp.resolve("git-home"));
        this.askpass = home.resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\ncase \"$1\" in\n  Username*) printf '%s\\n' \"$DEMO_GIT_USER\" ;;\n"
                + "  *) printf '%s\\n' \"$DEMO_GIT_PASSWORD\" ;;\nesac\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * The installed git's version line for a suite that runs git, or null (after a visible SKIPPING line) when git
     * cannot be run; fails instead when {@code LATCHKEY_TEST_REQUIRE_GIT=true} (as in {@code .ci/run}).
     */
    static String versionOrSkip(String scenarios) {
        String v = version();
        if (v == null) {
            if ("true".equals(System.getenv("LATCHKEY_TEST_REQUIRE_GIT"))) {
                throw new AssertionError("git is required (LATCHKEY_TEST_REQUIRE_GIT=true) but cannot be run");
            }
            System.err.println("[token-demo] SKIPPING the " + scenarios + ": 'git' is not installed");
        }
        return v;
    }

    /** The installed git's version line, or null when git cannot be run. */
    static String version() {
        try {
            Process p = new ProcessBuilder("git", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** git with a Bearer token in {@code http.extraHeader} (passed through the environment, not argv). */
    Result withBearer(Path dir, String token, String... args) {
        List<String> cmd = new ArrayList<>();
        if (ENV_CONFIG) {
            // GIT_CONFIG_COUNT (git 2.31+) keeps the header out of the process arguments
            return run(dir, Map.of("GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "http.extraHeader",
                    "GIT_CONFIG_VALUE_0", "Authorization: Bearer " + token), cmd, args);
        }
        List<String> withHeader = new ArrayList<>(List.of("-c", "http.extraHeader=Authorization: Bearer " + token));
        withHeader.addAll(List.of(args));
        return run(dir, Map.of(), cmd, withHeader.toArray(String[]::new));
    }

    /** git answering the Basic challenge with {@code user} and {@code password} through GIT_ASKPASS. */
    Result withBasic(Path dir, String user, String password, String... args) {
        return run(dir, Map.of("DEMO_GIT_USER", user, "DEMO_GIT_PASSWORD", password), new ArrayList<>(), args);
    }

    /** git with no credentials at all. */
    Result anonymous(Path dir, String... args) {
        return run(dir, Map.of(), new ArrayList<>(), args);
    }

    private Result run(Path dir, Map<String, String> env, List<String> cmd, String... args) {
        cmd.add("git");
        cmd.addAll(List.of("-c", "credential.helper=", "-c", "user.name=Demo Test", "-c", "user.email=test@demo.invalid",
                "-c", "init.defaultBranch=main", "-c", "advice.detachedHead=false"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        Map<String, String> e = pb.environment();
        e.keySet().removeIf(k -> k.startsWith("GIT_"));
        e.put("HOME", home.toString());
        e.put("XDG_CONFIG_HOME", home.resolve(".config").toString());
        e.put("GIT_CONFIG_NOSYSTEM", "1");
        e.put("GIT_TERMINAL_PROMPT", "0");
        e.put("GIT_ASKPASS", askpass.toString());
        e.putAll(env);
        try {
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("git " + String.join(" ", args) + " timed out");
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e1) {
            throw new AssertionError("cannot run git: " + e1, e1);
        } catch (InterruptedException e1) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e1);
        }
    }
}

package dev.latchkey.demo;

import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.ValidationException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar latchkey-demo.jar [--port N] [--data DIR] [--jdbc-url URL --jdbc-user U --jdbc-password P]
 * [--node-name NAME] [--cluster-bound DURATION] [--poll-interval DURATION]}: starts the demo host and runs until
 * interrupted (Ctrl-C). Bad arguments print the usage and exit with 2.
 */
public final class DemoMain {
    static final String USAGE = String.join("\n",
            "Usage: java -jar latchkey-demo.jar [options]",
            "",
            "  --port N              TCP port on 127.0.0.1 (default 8080; 0 picks a free port)",
            "  --data DIR            data directory: config, H2 database, git repositories",
            "                        (default ./latchkey-demo-data)",
            "  --jdbc-url URL        use PostgreSQL or MariaDB instead of the embedded H2, e.g.",
            "                        jdbc:postgresql://127.0.0.1:5432/latchkey",
            "  --jdbc-user USER      database user (with --jdbc-url)",
            "  --jdbc-password PW    database password (with --jdbc-url)",
            "  --node-name NAME      run as a node of a cluster sharing the --jdbc-url database",
            "                        (letters, digits, . _ -; default node-<pid> when another cluster option is given)",
            "  --cluster-bound D     a change on another node applies here within D (default 2s);",
            "                        D is like 2s, 500ms, 1m or ISO-8601 PT2S",
            "  --poll-interval D     how often to poll the change feed (default a quarter of the bound,",
            "                        at most half of it)",
            "  --help                print this help",
            "",
            "Users, groups, the token policy and password rules are in DIR/" + DemoConfig.FILE_NAME + ".");

    private DemoMain() {
    }

    /** Thrown for bad command-line arguments. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Parses the command line (without starting anything). */
    static Optional<DemoServer.Options> parse(String[] args) {
        int port = 8080;
        Path data = Path.of("latchkey-demo-data");
        String url = null;
        String user = null;
        String password = null;
        String nodeName = null;
        Duration bound = null;
        Duration poll = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--help", "-h" -> {
                    return Optional.empty();
                }
                case "--port", "--data", "--jdbc-url", "--jdbc-user", "--jdbc-password", "--node-name", "--cluster-bound",
                        "--poll-interval" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(name + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (name) {
                        case "--port" -> port = port(value);
                        case "--data" -> {
                            if (value.isBlank()) {
                                throw new UsageException("--data needs a directory");
                            }
                            data = Path.of(value);
                        }
                        case "--jdbc-url" -> {
                            if (!value.startsWith("jdbc:")) {
                                throw new UsageException("--jdbc-url must be a JDBC URL starting with jdbc:, "
                                        + "e.g. jdbc:postgresql://127.0.0.1:5432/latchkey");
                            }
                            url = value;
                        }
                        case "--jdbc-user" -> user = value;
                        case "--node-name" -> nodeName = value;
                        case "--cluster-bound" -> bound = duration(name, value);
                        case "--poll-interval" -> poll = duration(name, value);
                        default -> password = value;
                    }
                }
                default -> throw new UsageException("unknown argument '" + a + "'");
            }
        }
        if (url == null && (user != null || password != null)) {
            throw new UsageException("--jdbc-user and --jdbc-password need --jdbc-url");
        }
        Optional<DemoServer.Cluster> cluster = Optional.empty();
        if (nodeName != null || bound != null || poll != null) {
            if (url == null) {
                throw new UsageException("--node-name, --cluster-bound and --poll-interval need --jdbc-url: the nodes of"
                        + " a cluster share one PostgreSQL or MariaDB database (the embedded H2 belongs to one process)");
            }
            cluster = Optional.of(cluster(nodeName, bound, poll));
        }
        return Optional.of(new DemoServer.Options(port, data, Optional.ofNullable(url),
                user == null ? "" : user, password == null ? "" : password, cluster));
    }

    private static DemoServer.Cluster cluster(String nodeName, Duration bound, Duration poll) {
        ClusterOptions options;
        try {
            if (bound == null && poll == null) {
                options = ClusterOptions.defaults();
            } else if (poll == null) {
                options = ClusterOptions.withBound(bound);
            } else {
                Duration b = bound == null ? ClusterOptions.defaults().stalenessBound() : bound;
                Duration retention = ClusterOptions.defaults().changeRetention();
                options = new ClusterOptions(b, poll, retention.compareTo(b.multipliedBy(10)) < 0 ? b.multipliedBy(10) : retention);
            }
        } catch (ValidationException e) {
            String option = "pollInterval".equals(e.field()) ? "--poll-interval" : "--cluster-bound";
            throw new UsageException(option + ": " + e.getMessage());
        }
        try {
            return new DemoServer.Cluster(nodeName == null ? "node-" + ProcessHandle.current().pid() : nodeName, options);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--node-name must be 1 to 40 letters, digits, '.', '_' or '-'");
        }
    }

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");

    /** {@code 2s}, {@code 500ms}, {@code 1m}, {@code 1h} or ISO-8601 ({@code PT2S}); positive. */
    static Duration duration(String option, String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        Duration d = null;
        Matcher m = SIMPLE_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        } else if (v.startsWith("p") && v.length() <= 40) {
            try {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                d = null;
            }
        }
        if (d == null || d.isNegative() || d.isZero()) {
            throw new UsageException(option + " must be a positive duration like 2s, 500ms, 1m or PT2S, was '"
                    + (value.length() > 40 ? value.substring(0, 40) + "..." : value) + "'");
        }
        return d;
    }

    private static int port(String value) {
        try {
            int p = Integer.parseInt(value);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new UsageException("--port must be a number from 0 to 65535, was '" + value + "'");
    }

    /** The lines printed below the "listening" line (and served at {@code /}). */
    static List<String> howToTry(int port) {
        String base = "http://127.0.0.1:" + port;
        return List.of(
                "Users (password = user name; THIS IS A DEMO): admin (admins), alice (developers), bob (readers),",
                "  carol (contractors, no tokens), dave (developers, deactivated).",
                "Web pages: " + base + "/latchkey/ (sign in as alice / alice to create, copy and revoke tokens)",
                "Try it:",
                "  # alice creates a READ token with her password (only /rest/latchkey/* accepts passwords)",
                "  curl -s -u alice:alice -H 'Content-Type: application/json' -d '{\"name\":\"laptop\",\"level\":\"READ\"}' "
                        + base + "/rest/latchkey/1.0/tokens",
                "  TOKEN=<the \"token\" value from the answer>",
                "  curl -s -H \"Authorization: Bearer $TOKEN\" " + base + "/rest/api/1.0/projects",
                "  curl -s -H \"Authorization: Bearer $TOKEN\" " + base + "/rest/api/1.0/whoami",
                "  git -c http.extraHeader=\"Authorization: Bearer $TOKEN\" clone " + base + "/scm/DEMO/demo-repo.git",
                "  # or let git ask: user name alice, password the token",
                "  git clone " + base + "/scm/DEMO/demo-repo.git",
                "  # passwords are refused on the API: 401 \"use an API token\"",
                "  curl -s -u alice:alice " + base + "/rest/api/1.0/projects");
    }

    public static void main(String[] args) {
        CompletableFuture<Void> stop = new CompletableFuture<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.complete(null);
            STOPPED.join();
        }, "latchkey-demo-shutdown"));
        int code = run(args, System.out, System.err, stop);
        STOPPED.complete(null);
        if (code != 0) {
            System.exit(code);
        }
    }

    private static final CompletableFuture<Void> STOPPED = new CompletableFuture<>();

    /**
     * Starts the demo, prints how to use it, and serves until {@code stop} completes; then stops it. Returns
     * the exit code: 0 after a clean stop (or {@code --help}), 1 when it could not start, 2 for bad arguments.
     */
    static int run(String[] args, PrintStream out, PrintStream err, CompletableFuture<Void> stop) {
        Optional<DemoServer.Options> options;
        try {
            options = parse(args);
        } catch (UsageException e) {
            err.println("latchkey-demo: " + e.getMessage());
            err.println();
            err.println(USAGE);
            return 2;
        }
        if (options.isEmpty()) {
            out.println(USAGE);
            return 0;
        }
        try (DemoServer server = new DemoServer(options.get())) {
            int port;
            try {
                port = server.start();
            } catch (DemoConfig.DemoConfigException e) {
                err.println("latchkey-demo: bad configuration: " + e.getMessage());
                return 1;
            } catch (Exception e) {
                err.println("latchkey-demo: could not start: " + e);
                return 1;
            }
            out.println("Latchkey demo listening on http://127.0.0.1:" + port);
            out.println("Mode: " + server.mode());
            howToTry(port).forEach(out::println);
            out.println("Data and configuration: " + options.get().dataDir().toAbsolutePath().normalize()
                    + " (stop with Ctrl-C)");
            out.flush();
            stop.join();
            return 0;
        } catch (Exception e) {
            err.println("latchkey-demo: error while stopping: " + e);
            return 1;
        }
    }
}

package dev.latchkey.demo;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.latchkey.console.ConsoleServlet;
import dev.latchkey.core.Actor;
import dev.latchkey.core.ClusterOptions;
import dev.latchkey.core.ClusterState;
import dev.latchkey.core.ExpiryNotices;
import dev.latchkey.core.Latchkey;
import dev.latchkey.core.Policy;
import dev.latchkey.core.Slf4jAuditSink;
import dev.latchkey.core.scan.TokenScanner;
import dev.latchkey.bitbucket.BitbucketRequestClassifier;
import dev.latchkey.jdbc.DriverTimeouts;
import dev.latchkey.jdbc.JdbcAuditLog;
import dev.latchkey.jdbc.JdbcNoticeLedger;
import dev.latchkey.jdbc.JdbcTokenStore;
import dev.latchkey.jdbc.PgChangeListener;
import dev.latchkey.jdbc.SchemaInstaller;
import dev.latchkey.jdbc.SqlDialect;
import dev.latchkey.rest.SelfRotationFilter;
import dev.latchkey.rest.TokenRestServlet;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.LatchkeyAttributes;
import dev.latchkey.servlet.LatchkeyFilter;
import dev.latchkey.spi.AuditEvent;
import dev.latchkey.spi.AuditLog;
import dev.latchkey.spi.AuditQuery;
import dev.latchkey.spi.AuditSink;
import dev.latchkey.spi.Page;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo host, startable in-process: embedded Jetty 12 on 127.0.0.1 with the Latchkey filter, the host's
 * password authentication, git over HTTP (JGit), a small Bitbucket-like REST API and the token REST API, on
 * token-jdbc (H2 file database in the data directory by default).
 *
 * <pre>{@code
 * try (DemoServer demo = new DemoServer(DemoServer.Options.defaults(Path.of("data")).withPort(0))) {
 *     int port = demo.start();
 *     ...
 * }
 * }</pre>
 *
 * Not thread-safe to start and close concurrently; once started, it serves requests concurrently.
 */
public final class DemoServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);
    /** The realm in authentication challenges. */
    static final String REALM = "Latchkey demo";
    /** The project and repository created on first start. */
    public static final String DEMO_PROJECT = "DEMO";
    public static final String DEMO_REPO = "demo-repo";

    /**
     * How to start the demo.
     *
     * @param port         TCP port on 127.0.0.1; 0 picks a free one
     * @param dataDir      configuration, H2 database and git repositories
     * @param jdbcUrl      an external database (PostgreSQL or MariaDB) instead of the embedded H2
     * @param jdbcUser     its user (may be empty)
     * @param jdbcPassword its password (may be empty; never printed)
     * @param cluster      run as a node of a cluster sharing that database (needs {@code jdbcUrl})
     */
    public record Options(int port, Path dataDir, Optional<String> jdbcUrl, String jdbcUser, String jdbcPassword,
                          Optional<Cluster> cluster) {
        public Options {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(jdbcUser, "jdbcUser");
            Objects.requireNonNull(jdbcPassword, "jdbcPassword");
            Objects.requireNonNull(cluster, "cluster");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0..65535, was " + port);
            }
            if (cluster.isPresent() && jdbcUrl.isEmpty()) {
                throw new IllegalArgumentException("a cluster node needs a database the nodes share (jdbcUrl: PostgreSQL"
                        + " or MariaDB); the embedded H2 belongs to one process");
            }
        }

        /** A single node. */
        public Options(int port, Path dataDir, Optional<String> jdbcUrl, String jdbcUser, String jdbcPassword) {
            this(port, dataDir, jdbcUrl, jdbcUser, jdbcPassword, Optional.empty());
        }

        /** Port 8080, embedded H2 in {@code dataDir}. */
        public static Options defaults(Path dataDir) {
            return new Options(8080, dataDir, Optional.empty(), "", "");
        }

        public Options withPort(int p) {
            return new Options(p, dataDir, jdbcUrl, jdbcUser, jdbcPassword, cluster);
        }

        /** These options with an external database. */
        public Options withDatabase(String url, String user, String password) {
            return new Options(port, dataDir, Optional.of(url), user, password, cluster);
        }

        /** These options as a cluster node. */
        public Options withCluster(Cluster c) {
            return new Options(port, dataDir, jdbcUrl, jdbcUser, jdbcPassword, Optional.of(c));
        }

        @Override
        public String toString() {
            return "Options[port=" + port + ", dataDir=" + dataDir + ", jdbcUrl=" + jdbcUrl.orElse("(embedded H2)")
                    + ", jdbcUser=" + jdbcUser + ", jdbcPassword=" + (jdbcPassword.isEmpty() ? "" : "***")
                    + ", cluster=" + cluster.map(Cluster::toString).orElse("(single node)") + "]";
        }
    }

    /**
     * A demo process as one node of a cluster: its name (in logs, the start-up text and the database sessions'
     * application name) and how it follows the other nodes' changes.
     *
     * @param nodeName letters, digits, {@code . _ -}; 1 to 40 characters
     * @param options  the engine's staleness bound and poll interval
     */
    public record Cluster(String nodeName, ClusterOptions options) {
        private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,40}");

        public Cluster {
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(options, "options");
            if (!NAME.matcher(nodeName).matches()) {
                throw new IllegalArgumentException("nodeName must be 1 to 40 letters, digits, '.', '_' or '-'");
            }
        }
    }

    /** Where a token rotates itself (the token REST API's {@code POST /tokens/self/rotate}). */
    static final String SELF_ROTATE = "/rest/latchkey/1.0/tokens/self/rotate";
    /** How much of each pushed blob push protection scans. */
    static final long PUSH_SCAN_BYTES = 64L * 1024 * 1024;

    private final Options options;
    private final DemoNotices notices = new DemoNotices();
    private ExpiryNotices expiry;
    private ScheduledExecutorService expirySweeper;
    private DemoConfig config;
    private DemoDirectory directory;
    private Latchkey latchkey;
    private JdbcAuditLog auditLog;
    private DataSource dataSource;
    private JdbcConnectionPool h2Pool;
    private HikariDataSource serverPool;
    private PgChangeListener changeListener;
    private Server jetty;
    private int port = -1;

    public DemoServer(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Reads (or writes) the configuration, opens the database (installing the schema on first start),
     * creates project {@value #DEMO_PROJECT} with {@value #DEMO_REPO} on first start, and starts Jetty.
     *
     * @return the bound port
     * @throws DemoConfig.DemoConfigException on a bad configuration value
     * @throws Exception                      when the database, the repositories or Jetty cannot start
     */
    public int start() throws Exception {
        if (jetty != null) {
            throw new IllegalStateException("already started");
        }
        try {
            return doStart();
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    private int doStart() throws Exception {
        Path data = options.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(data);
        boolean firstStart = DemoConfig.writeDefaultIfAbsent(data.resolve(DemoConfig.FILE_NAME));
        config = DemoConfig.load(data.resolve(DemoConfig.FILE_NAME));
        if (firstStart) {
            LOG.info("wrote the demo configuration {}", data.resolve(DemoConfig.FILE_NAME));
        }
        directory = new DemoDirectory(config.users().values());

        dataSource = openDatabase(data);
        JdbcTokenStore store = JdbcTokenStore.builder(dataSource).build();
        SchemaInstaller.install(dataSource, store.dialect());
        auditLog = JdbcAuditLog.builder(dataSource).dialect(store.dialect()).build();
        AuditSink audit = new TeeAuditLog(auditLog, new Slf4jAuditSink());

        Latchkey.Builder engine = Latchkey.builder()
                .store(store)
                .directory(directory)
                .auditSink(audit)
                .initialPolicy(config.policy())
                .classifier(new BitbucketRequestClassifier())
                .directoryCacheTtl(config.directoryCacheTtl())
                .notifier(notices);
        config.failedAttemptLimit().ifPresentOrElse(l -> engine.failedAttemptLimit(l.failures(), l.per()),
                engine::noFailedAttemptLimit);
        options.cluster().ifPresent(c -> engine.cluster(c.options()));
        if (options.cluster().isEmpty() && store.dialect() == SqlDialect.H2) {
            engine.singleNode(); // an embedded H2 file is locked by one process: nobody else can write to it
        }
        latchkey = engine.build();
        applyConfigPolicy();
        if (!config.expiryNotices().isEmpty()) {
            // the ledger records every notice sent, so each goes out once across restarts and cluster nodes
            expiry = ExpiryNotices.builder(store).ledger(JdbcNoticeLedger.of(dataSource, store).installSchema())
                    .notifier(notices).thresholds(config.expiryNotices()).build();
            expirySweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "latchkey-demo-expiry-notices");
                t.setDaemon(true);
                return t;
            });
            expiry.schedule(expirySweeper, config.expiryNoticeInterval());
        }
        if (options.cluster().isPresent() && store.dialect() == SqlDialect.POSTGRESQL) {
            // its own connection outside the pool: LISTEN holds it for the life of the node
            changeListener = PgChangeListener.builder(
                    new DriverManagerDataSource(serverUrl(), options.jdbcUser(), options.jdbcPassword()),
                    latchkey::pollChangesNow).start();
        }

        DemoRepositories repos = new DemoRepositories(data.resolve("repos"));
        if (repos.find(DEMO_PROJECT, DEMO_REPO).isEmpty() && !Files.exists(data.resolve("repos"))) {
            repos.createProject(DEMO_PROJECT);
            repos.create(DEMO_PROJECT, DEMO_REPO, Optional.of(README));
            LOG.info("created project {} with repository {}", DEMO_PROJECT, DEMO_REPO);
        }

        ClientIpResolver ipResolver = config.trustedProxies().isEmpty() ? ClientIpResolver.peerAddressOnly()
                : ClientIpResolver.builder().trustedProxies(config.trustedProxies())
                        .customHeader(config.clientIpHeader()).build();
        LatchkeyFilter.Builder fb = LatchkeyFilter.builder(latchkey)
                .clientIpResolver(ipResolver)
                .auditSink(audit)
                .realm(REALM);
        if (!config.passwordAuthDisabledPaths().isEmpty()) {
            fb.disablePasswordAuthFor(config.passwordAuthDisabledPaths().toArray(String[]::new));
        }
        if (!config.passwordAuthExemptUsers().isEmpty()) {
            fb.passwordAuthExemptUsers(config.passwordAuthExemptUsers().toArray(String[]::new));
        }
        HostRights rights = new HostRights(directory, config);

        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.SESSIONS);
        ctx.getSessionHandler().setHttpOnly(true);
        ctx.getSessionHandler().setSameSite(HttpCookie.SameSite.STRICT);
        ctx.setContextPath("/");
        ctx.setAttribute(LatchkeyAttributes.LATCHKEY, latchkey);
        ctx.setAttribute(LatchkeyAttributes.AUDIT_LOG, auditLog);
        ctx.setAttribute(LatchkeyAttributes.USER_DIRECTORY, directory);
        // issue 14: ahead of the Latchkey filter, which would refuse a rotated-away secret before reuse detection
        ctx.addFilter(new FilterHolder(SelfRotationFilter.create(latchkey, ipResolver)), SELF_ROTATE,
                EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(fb.build()), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(new HostAuthFilter(directory, REALM)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(new DemoLfs(repos, rights)), "/scm/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder("git", DemoGit.servlet(repos, rights, !config.pushProtection() ? null
                : new PushProtection(latchkey.tokens(), TokenScanner.builder().format(latchkey.tokenFormat()).build(),
                        PUSH_SCAN_BYTES))), "/scm/*");
        ctx.addServlet(new ServletHolder("bitbucket-api", new BitbucketApiServlet(repos, rights)), "/rest/api/1.0/*");
        ctx.addServlet(new ServletHolder("latchkey-api", TokenRestServlet.builder(latchkey)
                .auditLog(auditLog)
                .clientIpResolver(ipResolver)
                .build()), "/rest/latchkey/1.0/*");
        ctx.addServlet(new ServletHolder("console", ConsoleServlet.builder().apiPath("/rest/latchkey/1.0")
                .loginUrl("/login").build()), "/latchkey/*");
        ServletHolder login = new ServletHolder("login", new DemoLoginServlet(directory));
        ctx.addServlet(login, "/login");
        ctx.addServlet(login, "/logout");
        ctx.addServlet(new ServletHolder("home", new HomeServlet()), "/");

        Server server = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(options.port());
        server.addConnector(connector);
        server.setHandler(DemoEdge.around(ctx, latchkey, ipResolver, config, REALM)); // /authorize, /introspect
        server.setStopAtShutdown(false);
        jetty = server;
        server.start();
        port = connector.getLocalPort();
        LOG.info("started on port {} with data in {} ({}), as {}", port, data,
                options.jdbcUrl().isPresent() ? "external database" : "embedded H2", mode());
        return port;
    }

    /** Which mode this demo runs in, for the start-up text: single node, or cluster node NAME with its bound. */
    public String mode() {
        if (options.cluster().isEmpty()) {
            ClusterState st = latchkey.clusterState();
            if (st.mode() == ClusterState.Mode.SINGLE_NODE) {
                return "single node (the embedded database is this process's alone)";
            }
            return "node " + st.nodeName() + " following the database's change feed by default (bound "
                    + human(st.bound()) + "; changes made by other processes apply here within it"
                    + (changeListener != null ? ", woken at once by PostgreSQL LISTEN/NOTIFY)" : ")");
        }
        Cluster c = options.cluster().get();
        return "cluster node " + c.nodeName() + " with bound " + human(c.options().stalenessBound())
                + " (changes from other nodes apply here within it; change feed polled every "
                + human(c.options().pollInterval())
                + (changeListener != null ? ", woken at once by PostgreSQL LISTEN/NOTIFY)" : ")");
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The external database URL with the drivers' connect and socket time-outs, unless the URL sets them. */
    private String serverUrl() {
        String url = options.jdbcUrl().orElseThrow();
        try {
            // connect: what a request may wait for a new session; socket: above the 30 s management statements
            return DriverTimeouts.apply(url, Duration.ofSeconds(2), Duration.ofSeconds(35));
        } catch (IllegalArgumentException e) {
            LOG.info("using the JDBC URL's own time-outs: {}", e.getMessage());
            return url;
        }
    }

    private DataSource openDatabase(Path data) {
        if (options.jdbcUrl().isPresent()) {
            // A fixed-size pool: sessions stay constant whatever the load (a session per store call cost a
            // connection handshake and a server process each). A request waits at most 2 s for a connection, the
            // same bound the store puts on its hot-path reads.
            String node = options.cluster().map(Cluster::nodeName).orElse("single");
            HikariConfig hc = new HikariConfig();
            hc.setJdbcUrl(serverUrl());
            hc.setUsername(options.jdbcUser());
            hc.setPassword(options.jdbcPassword());
            hc.setPoolName("latchkey-demo-" + node);
            hc.setMaximumPoolSize(10);
            hc.setConnectionTimeout(2_000);
            hc.setValidationTimeout(1_000);
            if (options.jdbcUrl().get().startsWith("jdbc:postgresql:")) {
                hc.addDataSourceProperty("ApplicationName", "latchkey-demo-" + node);
            }
            serverPool = new HikariDataSource(hc);
            return serverPool;
        }
        Path db = data.resolve("db").resolve("latchkey");
        // DB_CLOSE_ON_EXIT=FALSE: the demo closes the database itself, after the engine flushed last-use records
        h2Pool = JdbcConnectionPool.create("jdbc:h2:file:" + db.toString().replace('\\', '/') + ";DB_CLOSE_ON_EXIT=FALSE",
                "sa", "");
        h2Pool.setMaxConnections(20);
        return h2Pool;
    }

    /**
     * The policy lives in the database (shared by every node); the config file is the demo's source of truth,
     * so settings that differ are saved on start, as a change by the first user allowed to make it (audited).
     */
    private void applyConfigPolicy() {
        Map<String, String> wanted = config.policy().toSettings();
        Policy current = latchkey.policy().current();
        Map<String, String> diff = new LinkedHashMap<>();
        current.toSettings().forEach((k, v) -> {
            if (!Objects.equals(wanted.get(k), v)) {
                diff.put(k, wanted.get(k));
            }
        });
        if (diff.isEmpty()) {
            return;
        }
        for (DemoConfig.DemoUser u : config.users().values()) {
            if (u.active() && current.administerPolicy().admits(u.groups())) {
                latchkey.policy().update(Actor.user(u.name()), diff);
                LOG.info("applied policy settings {} from {} (as {})", diff.keySet(), DemoConfig.FILE_NAME, u.name());
                return;
            }
        }
        LOG.warn("the policy settings {} in {} differ from the stored policy, but no active configured user may "
                + "administer the stored policy; keeping the stored values", diff.keySet(), DemoConfig.FILE_NAME);
    }

    /** The bound port (after {@link #start()}). */
    public int port() {
        if (port < 0) {
            throw new IllegalStateException("not started");
        }
        return port;
    }

    /** {@code http://127.0.0.1:PORT}. */
    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** The demo users, changeable at run time (e.g. to deactivate a user). */
    public DemoDirectory directory() {
        return directory;
    }

    /** The configuration read at start. */
    public DemoConfig config() {
        return config;
    }

    /** The engine. */
    public Latchkey latchkey() {
        return latchkey;
    }

    /** The expiry-notice sweep, unless {@code latchkey.expiryNotices} is empty (it also runs on its own schedule). */
    public Optional<ExpiryNotices> expiryNotices() {
        return Optional.ofNullable(expiry);
    }

    /** What token owners were told (the latest notices). */
    public DemoNotices notices() {
        return notices;
    }

    /** The queryable audit log. */
    public AuditLog auditLog() {
        return auditLog;
    }

    /** Stops Jetty, the change listener, flushes and stops the engine, then closes the database pool. Idempotent. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                failure = e;
            }
            jetty = null;
        }
        if (expirySweeper != null) {
            expirySweeper.shutdownNow();
            expirySweeper = null;
            expiry = null;
        }
        if (changeListener != null) {
            changeListener.close();
            changeListener = null;
        }
        if (latchkey != null) {
            latchkey.close(); // flushes last-use records: the pool must still be open
            latchkey = null;
        }
        if (serverPool != null) {
            serverPool.close();
            serverPool = null;
        }
        if (h2Pool != null) {
            h2Pool.dispose();
            h2Pool = null;
        }
        port = -1;
        if (failure != null) {
            throw failure;
        }
    }

    /** Writes to the queryable log and to the console log. */
    private static final class TeeAuditLog implements AuditLog {
        private final AuditLog log;
        private final AuditSink console;

        TeeAuditLog(AuditLog log, AuditSink console) {
            this.log = log;
            this.console = console;
        }

        @Override
        public void record(AuditEvent event) {
            console.record(event);
            log.record(event);
        }

        @Override
        public Page<AuditEvent> query(AuditQuery query) {
            return log.query(query);
        }
    }

    /** {@code GET /}: what this is and how to try it. */
    private final class HomeServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (!"/".equals(DemoJson.path(req))) {
                DemoJson.write(res, 404, Map.of("error", "not_found", "message", "No such resource"));
                return;
            }
            List<String> lines = new ArrayList<>();
            lines.add("Latchkey demo host");
            lines.add("");
            lines.addAll(DemoMain.howToTry(port));
            byte[] body = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
            res.setContentType("text/plain;charset=UTF-8");
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
        }
    }

    private static final String README = """
            # demo-repo

            A repository of the Latchkey demo host. Clone it with an API token:

                git -c http.extraHeader="Authorization: Bearer $TOKEN" clone http://127.0.0.1:8080/scm/DEMO/demo-repo.git

            A READ token can clone and fetch; pushing needs a WRITE token.
            """;
}

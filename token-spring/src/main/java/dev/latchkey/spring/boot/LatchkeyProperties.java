package dev.latchkey.spring.boot;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** The {@code latchkey.*} properties of the Spring Boot auto-configuration. */
@ConfigurationProperties("latchkey")
public class LatchkeyProperties {
    /** Whether Latchkey is configured at all. */
    private boolean enabled = true;

    /** Prefix of personal tokens (recognisable by secret scanners). Default: core's ({@code lkp}). */
    private String personalTokenPrefix;

    /** Prefix of service tokens. Default: core's ({@code lks}). */
    private String serviceTokenPrefix;

    /**
     * The initial policy, saved when the store has none yet (a stored policy wins): setting name to value, as
     * in the REST API's policy, e.g. {@code latchkey.policy.max-lifetime=P30D},
     * {@code latchkey.policy.use-tokens=ROLE_USER}, {@code latchkey.policy.level-grants=*=READ,ROLE_ADMIN=ADMIN}.
     * Settings (the keys of {@code Policy.toSettings()}): defaultLifetime, maxLifetime, expiryRequired,
     * maxTokensPerUser, globalAllowedCidrs, tokensMayManageTokens, useTokens, createTokens, manageTokens,
     * administerPolicy, levelGrants, selfRotation (kebab-case or camelCase). An unknown setting fails the start.
     */
    private Map<String, String> policy = new LinkedHashMap<>();

    /** Proxies (addresses or CIDR blocks) whose forwarding header is believed. Default: none. */
    private List<String> trustedProxies = new ArrayList<>();

    /** The forwarding header read from trusted proxies: X-Forwarded-For, Forwarded, X-Real-IP or a custom name. */
    private String clientIpHeader = "X-Forwarded-For";

    /** Whether a personal token sent as a Basic password needs its owner's name as the user name. */
    private boolean basicUsernameMustMatch = true;

    /**
     * How long owners' directory answers (active, groups, the principal's UserDetails) are cached by the engine and
     * the Spring filter together. Default 2s; with a cluster at most the staleness bound.
     */
    private Duration directoryCacheTtl;

    /**
     * Declares this node the only one using its store, so it does not follow the store's change feed (the engine's
     * {@code singleNode()}). Default false: a store other nodes can share (JDBC) is followed. A store with a node
     * registry checks the declaration: another live node there makes this node follow the feed anyway, with a
     * warning. Contradicts {@code latchkey.cluster.enabled=true} (the start fails).
     */
    private boolean singleNode;

    private final Password password = new Password();
    private final Store store = new Store();
    private final Cluster cluster = new Cluster();
    private final Rest rest = new Rest();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getPersonalTokenPrefix() {
        return personalTokenPrefix;
    }

    public void setPersonalTokenPrefix(String personalTokenPrefix) {
        this.personalTokenPrefix = personalTokenPrefix;
    }

    public String getServiceTokenPrefix() {
        return serviceTokenPrefix;
    }

    public void setServiceTokenPrefix(String serviceTokenPrefix) {
        this.serviceTokenPrefix = serviceTokenPrefix;
    }

    public Map<String, String> getPolicy() {
        return policy;
    }

    public void setPolicy(Map<String, String> policy) {
        this.policy = policy;
    }

    public List<String> getTrustedProxies() {
        return trustedProxies;
    }

    public void setTrustedProxies(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    public String getClientIpHeader() {
        return clientIpHeader;
    }

    public void setClientIpHeader(String clientIpHeader) {
        this.clientIpHeader = clientIpHeader;
    }

    public boolean isBasicUsernameMustMatch() {
        return basicUsernameMustMatch;
    }

    public void setBasicUsernameMustMatch(boolean basicUsernameMustMatch) {
        this.basicUsernameMustMatch = basicUsernameMustMatch;
    }

    public Duration getDirectoryCacheTtl() {
        return directoryCacheTtl;
    }

    public void setDirectoryCacheTtl(Duration directoryCacheTtl) {
        this.directoryCacheTtl = directoryCacheTtl;
    }

    public boolean isSingleNode() {
        return singleNode;
    }

    public void setSingleNode(boolean singleNode) {
        this.singleNode = singleNode;
    }

    public Password getPassword() {
        return password;
    }

    public Store getStore() {
        return store;
    }

    public Cluster getCluster() {
        return cluster;
    }

    public Rest getRest() {
        return rest;
    }

    /** Password (Basic) authentication where tokens should be used instead. */
    public static class Password {
        /** Servlet URL patterns (e.g. {@code /api/*}, {@code *.git}) where a password sent with Basic is refused with 401. */
        private List<String> disabledPaths = new ArrayList<>();

        /** Users who may still use their password there (break-glass administrators). */
        private List<String> exemptUsers = new ArrayList<>();

        /** Groups (authority names) whose members may still use their password there. */
        private List<String> exemptGroups = new ArrayList<>();

        public List<String> getDisabledPaths() {
            return disabledPaths;
        }

        public void setDisabledPaths(List<String> disabledPaths) {
            this.disabledPaths = disabledPaths;
        }

        public List<String> getExemptUsers() {
            return exemptUsers;
        }

        public void setExemptUsers(List<String> exemptUsers) {
            this.exemptUsers = exemptUsers;
        }

        public List<String> getExemptGroups() {
            return exemptGroups;
        }

        public void setExemptGroups(List<String> exemptGroups) {
            this.exemptGroups = exemptGroups;
        }
    }

    /** Where tokens are stored. */
    public static class Store {
        /** AUTO: JDBC on the application's DataSource when there is one, else in memory; or MEMORY, or JDBC. */
        private StoreType type = StoreType.AUTO;

        /** Prefix of Latchkey's tables. */
        private String tablePrefix = "latchkey_";

        /** Whether the JDBC schema is installed (idempotently) on start. */
        private boolean initializeSchema = true;

        public StoreType getType() {
            return type;
        }

        public void setType(StoreType type) {
            this.type = type;
        }

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public boolean isInitializeSchema() {
            return initializeSchema;
        }

        public void setInitializeSchema(boolean initializeSchema) {
            this.initializeSchema = initializeSchema;
        }
    }

    /** Which store the auto-configuration makes. */
    public enum StoreType {
        /** JDBC when a DataSource bean exists, otherwise in memory. */
        AUTO,
        /** In memory (one node; tokens are lost on restart). */
        MEMORY,
        /** JDBC on the application's DataSource; the start fails without one. */
        JDBC
    }

    /** Several nodes sharing the store. */
    public static class Cluster {
        /** Whether this node polls the store's change feed to keep its caches in step with other nodes. */
        private boolean enabled = false;

        /** The most time a change on another node may take to apply here. */
        private Duration stalenessBound = Duration.ofSeconds(2);

        /** How often the change feed is polled (at most half the bound). Default: a quarter of the bound. */
        private Duration pollInterval;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getStalenessBound() {
            return stalenessBound;
        }

        public void setStalenessBound(Duration stalenessBound) {
            this.stalenessBound = stalenessBound;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }
    }

    /** The token management REST API. */
    public static class Rest {
        /** Whether the REST API servlet is mounted. */
        private boolean enabled = true;

        /** Where it is mounted (context-relative). */
        private String basePath = "/rest/latchkey/1.0";

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getBasePath() {
            return basePath;
        }

        public void setBasePath(String basePath) {
            this.basePath = basePath;
        }
    }
}

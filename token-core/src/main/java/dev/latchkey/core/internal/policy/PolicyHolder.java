package dev.latchkey.core.internal.policy;

import dev.latchkey.core.Authenticator;
import dev.latchkey.core.Policy;
import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.ValidationException;
import dev.latchkey.core.internal.EngineSettings;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.ConcurrentUpdateException;
import dev.latchkey.spi.PolicyStore;
import dev.latchkey.spi.StoredPolicy;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force, compiled (its global allowlist parsed once), loaded from the store at start and reloaded
 * when this node or another one changed it. Readers see one consistent {@link PolicyState} per read.
 *
 * <p>When the store is not a {@link PolicyStore} the policy is kept in this engine's memory instead: it starts
 * from the initial policy at every start and changes reach this node only. The builder allows that only on an
 * engine that follows no other node; it is logged once at start.
 *
 * @since 0.1
 */
public final class PolicyHolder {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    /** The policy in force with its compiled global allowlist. */
    public record PolicyState(Policy policy, CidrSet globalCidrs, long version) {
        /**
         * Whether the global allowlist admits {@code clientIp}: always when it is empty; never for a null, unknown
         * ({@link RequestFacts#UNKNOWN_CLIENT_IP}) or unreadable address otherwise.
         */
        public boolean allowsClientIp(String clientIp) {
            if (globalCidrs.isEmpty()) {
                return true;
            }
            return clientIp != null && !RequestFacts.UNKNOWN_CLIENT_IP.equals(clientIp)
                    && CidrSet.admits(globalCidrs, CidrSet.empty(), clientIp);
        }
    }

    private final EngineSettings s;
    private final PolicyStore store;
    private volatile PolicyState state;

    public PolicyHolder(EngineSettings s) {
        this.s = s;
        if (s.store() instanceof PolicyStore p) {
            this.store = p;
        } else {
            this.store = new LocalPolicy();
            LOG.info("the token store keeps no policy (it is not a PolicyStore): the policy lives in memory on this "
                    + "node only, starts from the initial policy at every start, and changes to it are lost on restart");
        }
        this.state = loadOrSave();
    }

    /** Whether the policy is kept in the store (false: in this engine's memory). */
    public boolean stored() {
        return !(store instanceof LocalPolicy);
    }

    /**
     * Saves {@code settings} if the stored version is {@code expectedVersion}; see {@link PolicyStore#savePolicy}.
     *
     * @throws ConcurrentUpdateException if somebody saved in between
     */
    public StoredPolicy save(Map<String, String> settings, long expectedVersion) {
        return store.savePolicy(settings, expectedVersion);
    }

    public PolicyState state() {
        return state;
    }

    public static PolicyState compile(Policy p, long version) {
        return new PolicyState(p, CidrSet.compile("globalAllowedCidrs", p.globalAllowedCidrs()), version);
    }

    /** Puts a policy this node saved in force and tells other nodes through the broadcaster if there is one. */
    public void changedLocally(PolicyState next) {
        this.state = next;
        s.broadcaster().ifPresent(b -> {
            try {
                b.policyChanged();
            } catch (RuntimeException e) {
                LOG.warn("the change broadcaster failed; other nodes will see the change through the feed: {}", e.toString());
            }
        });
    }

    private PolicyState loadOrSave() {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<StoredPolicy> stored = store.loadPolicy();
            if (stored.isPresent()) {
                return compile(Policy.fromSettings(stored.get().settings()), stored.get().version());
            }
            try {
                StoredPolicy saved = store.savePolicy(s.initialPolicy().toSettings(), 0);
                return compile(s.initialPolicy(), saved.version());
            } catch (ConcurrentUpdateException e) {
                // another node saved first: read theirs
            }
        }
        throw new IllegalStateException("could not load or save the initial policy: the store keeps changing it");
    }

    /** Reads the stored policy and puts it in force when its version differs; an invalid one is logged, not applied. */
    public void reload() {
        try {
            Optional<StoredPolicy> stored = store.loadPolicy();
            if (stored.isPresent() && stored.get().version() != state.version()) {
                state = compile(Policy.fromSettings(stored.get().settings()), stored.get().version());
            }
        } catch (ValidationException e) {
            LOG.error("the stored policy is invalid and was not applied; fix it through the policy API: {}", e.getMessage());
        }
    }
}

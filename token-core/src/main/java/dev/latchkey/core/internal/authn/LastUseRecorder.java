package dev.latchkey.core.internal.authn;

import dev.latchkey.core.RequestFacts;
import dev.latchkey.core.internal.CidrSet;
import dev.latchkey.spi.LastUse;
import inet.ipaddr.IPAddress;
import dev.latchkey.spi.TokenStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects token uses on the request path (a map merge, no I/O) and writes them to the store in one batch per
 * flush. Only the latest use per token is kept between flushes. A failed flush keeps the uses for the next one.
 *
 * @since 0.1
 */
public final class LastUseRecorder {
    private static final Logger LOG = LoggerFactory.getLogger(LastUseRecorder.class);
    /** Uses closer than this to the pending one for the same token and IP are not worth a new object. */
    private static final long COALESCE_MILLIS = 1000;

    private final TokenStore store;
    private final ConcurrentHashMap<String, LastUse> pending = new ConcurrentHashMap<>();

    public LastUseRecorder(TokenStore store) {
        this.store = store;
    }

    /**
     * Notes a use. The stored IP is always the canonical form ({@code ::ffff:10.1.2.3} becomes {@code 10.1.2.3}),
     * {@value RequestFacts#UNKNOWN_CLIENT_IP} when the host could not tell, or {@code invalid}.
     */
    public void record(String tokenId, Instant at, String rawClientIp) {
        LastUse current = pending.get(tokenId);
        if (current != null && current.clientIp().equals(rawClientIp)
                && at.toEpochMilli() - current.at().toEpochMilli() < COALESCE_MILLIS
                && !at.isBefore(current.at())) {
            return;
        }
        // "unknown" stays unknown: never a stand-in such as the proxy's address
        IPAddress ip = RequestFacts.UNKNOWN_CLIENT_IP.equals(rawClientIp) ? null
                : CidrSet.parseClientIp(rawClientIp).orElse(null);
        String canonical = ip != null ? ip.toCanonicalString()
                : RequestFacts.UNKNOWN_CLIENT_IP.equals(rawClientIp) ? RequestFacts.UNKNOWN_CLIENT_IP : "invalid";
        pending.merge(tokenId, new LastUse(tokenId, at, canonical),
                (existing, candidate) -> candidate.at().isAfter(existing.at()) ? candidate : existing);
    }

    /** Writes what is pending; returns how many tokens were written. A failed write is retried by the next flush. */
    public int flush() {
        List<LastUse> batch = take();
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            store.recordLastUse(batch);
            return batch.size();
        } catch (RuntimeException e) {
            // keep them for the next flush, without overwriting newer uses recorded meanwhile
            for (LastUse u : batch) {
                pending.merge(u.tokenId(), u,
                        (existing, failed) -> existing.at().isAfter(failed.at()) ? existing : failed);
            }
            LOG.warn("could not record last use of {} tokens; will retry at the next flush: {}", batch.size(),
                    e.toString());
            return 0;
        }
    }

    /**
     * The last flush, when the engine closes: nothing retries after it, so a failed write says it was the final
     * one, with the count of tokens whose last use is lost, instead of promising a retry.
     *
     * @return how many tokens' last use could not be written (0 when all were)
     */
    public int flushFinal() {
        List<LastUse> batch = take();
        int lost = 0;
        if (!batch.isEmpty()) {
            try {
                store.recordLastUse(batch);
            } catch (RuntimeException e) {
                lost = batch.size();
                LOG.warn("could not record last use of {} tokens in the final flush (the engine is closing; nothing "
                        + "retries): their last use since the previous flush is lost: {}", lost, e.toString());
            }
        }
        int late = pending.size();
        if (late > 0) {
            // uses of requests the host still let through while the engine closed
            pending.clear();
            LOG.warn("could not record last use of {} tokens used during the final flush (the engine is closing)", late);
        }
        return lost + late;
    }

    private List<LastUse> take() {
        List<LastUse> batch = new ArrayList<>(pending.size());
        for (String id : new ArrayList<>(pending.keySet())) {
            LastUse u = pending.remove(id);
            if (u != null) {
                batch.add(u);
            }
        }
        return batch;
    }
}

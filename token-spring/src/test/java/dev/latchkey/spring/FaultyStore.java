package dev.latchkey.spring;

import dev.latchkey.core.memory.InMemoryTokenStore;
import dev.latchkey.spi.StoreUnavailableException;
import dev.latchkey.spi.TokenStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An in-memory store seen as a shared one (it is not an {@link InMemoryTokenStore} to the engine, so the engine follows
 * its change feed by default) that can fail like an unreachable database: the whole store, or only its change feed.
 */
public final class FaultyStore {
    private static final Set<String> FEED = Set.of("changesSince", "latestChangeSequence", "pruneChanges");

    /** Every call fails while set. */
    public final AtomicBoolean down = new AtomicBoolean();
    /** Only the change-feed calls fail while set (polls fail; token and policy reads work). */
    public final AtomicBoolean feedDown = new AtomicBoolean();
    private final TokenStore store;

    public FaultyStore() {
        InMemoryTokenStore delegate = new InMemoryTokenStore();
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "FaultyStore";
                };
            }
            if (down.get() || (feedDown.get() && FEED.contains(method.getName()))) {
                throw new StoreUnavailableException("test store is down");
            }
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        // every capability the in-memory store offers (token records, policy store, change feed, node registry)
        this.store = (TokenStore) Proxy.newProxyInstance(TokenStore.class.getClassLoader(),
                InMemoryTokenStore.class.getInterfaces(), h);
    }

    /** The store to give the engine. */
    public TokenStore store() {
        return store;
    }
}

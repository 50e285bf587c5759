package dev.latchkey.servlet.internal;

import dev.latchkey.core.internal.text.CommaList;
import dev.latchkey.core.Latchkey;
import dev.latchkey.servlet.ClientIpResolver;
import dev.latchkey.servlet.ForwardedHeader;
import dev.latchkey.servlet.LatchkeyAttributes;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The {@code web.xml} configuration of a filter or servlet, read one way for both: unknown names refused, blank
 * values absent, the engine from a context attribute, the client IP rules from {@code trustedProxies} and
 * {@code clientIpHeader}. Shared by token-servlet's filter and token-rest's servlets (a qualified export), so both
 * read {@code web.xml} the same way.
 */
public final class InitParams {
    private final String owner;
    private final UnaryOperator<String> values;
    private final ServletContext context;

    private InitParams(String owner, UnaryOperator<String> values, ServletContext context) {
        this.owner = owner;
        this.values = values;
        this.context = context;
    }

    /**
     * @param owner  what is configured, for messages ("LatchkeyFilter 'name'", "TokenRestServlet")
     * @param names  the init-param names given
     * @param values the init-param lookup
     * @param known  the names {@code owner} reads
     * @throws ServletException naming an unknown init-param and the known ones
     */
    public static InitParams read(String owner, Enumeration<String> names, UnaryOperator<String> values,
                           ServletContext context, Set<String> known) throws ServletException {
        for (String name : Collections.list(names)) {
            if (!known.contains(name)) {
                throw new ServletException("unknown init-param '" + name + "' for " + owner + "; known ones are "
                        + new TreeSet<>(known));
            }
        }
        return new InitParams(owner, values, context);
    }

    /** The value, stripped; empty when absent or blank. */
    public Optional<String> get(String name) {
        String v = values.apply(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    /**
     * A {@code true}/{@code false} value (any case); false when absent.
     *
     * @throws IllegalArgumentException naming the init-param when the value is anything else
     */
    public boolean flag(String name) {
        Optional<String> v = get(name);
        if (v.isEmpty() || v.get().equalsIgnoreCase("false")) {
            return false;
        }
        if (v.get().equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(name + " must be true or false, was '" + v.get() + "'");
    }

    /**
     * A whole-number value; empty when absent.
     *
     * @throws IllegalArgumentException naming the init-param when the value is not a whole number
     */
    public Optional<Integer> integer(String name) {
        Optional<String> v = get(name);
        try {
            return v.map(Integer::parseInt);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, was '" + v.get() + "'");
        }
    }

    /** A comma-separated value as its non-blank items. */
    public Optional<List<String>> list(String name) {
        return get(name).map(InitParams::split);
    }

    /** The engine in the context attribute named by {@code latchkeyAttribute} (default {@value LatchkeyAttributes#LATCHKEY}). */
    public Latchkey engine() throws ServletException {
        String attr = get("latchkeyAttribute").orElse(LatchkeyAttributes.LATCHKEY);
        Object engine = context.getAttribute(attr);
        if (!(engine instanceof Latchkey latchkey)) {
            throw new ServletException("no Latchkey engine in the servlet-context attribute '" + attr + "' for "
                    + owner + "; build one with Latchkey.builder() and set it there from a ServletContextListener "
                    + "before filters and servlets are initialised");
        }
        return latchkey;
    }

    /** The resolver from {@code trustedProxies} and {@code clientIpHeader}; empty when neither is given. */
    public Optional<ClientIpResolver> clientIpResolver() {
        Optional<List<String>> proxies = list("trustedProxies");
        Optional<String> header = get("clientIpHeader");
        if (proxies.isEmpty() && header.isEmpty()) {
            return Optional.empty();
        }
        ClientIpResolver.Builder rb = ClientIpResolver.builder();
        proxies.ifPresent(rb::trustedProxies);
        header.ifPresent(h -> headerByName(rb, h));
        return Optional.of(rb.build());
    }

    /** Sets {@code X-Forwarded-For}, {@code Forwarded}, {@code X-Real-IP} or a custom header name. */
    private static void headerByName(ClientIpResolver.Builder rb, String name) {
        String n = name.strip();
        if (n.toLowerCase(Locale.ROOT).equals("forwarded")) {
            rb.header(ForwardedHeader.FORWARDED);
        } else {
            rb.customHeader(n);
        }
    }

    /** A context attribute. */
    public Object attribute(String name) {
        return context.getAttribute(name);
    }

    public static List<String> split(String commaSeparated) {
        return CommaList.split(commaSeparated); // the engine's reading of a comma list, so both agree
    }
}

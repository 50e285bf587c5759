package dev.latchkey.core;

import dev.latchkey.spi.TokenKind;
import java.security.Principal;
import java.util.Objects;

/**
 * Who a request authenticated by a token acts as: the owning user for a personal token, or the token's own
 * service principal (named {@code service:<token name>}) for a service token.
 *
 * @param name the principal name the host sees ({@code getRemoteUser()})
 * @param kind personal or service
 *
 * @since 0.1
 */
public record TokenPrincipal(String name, TokenKind kind) implements Principal {
    /**
     * Checks the fields.
     *
     * @param name the principal name the host sees
     * @param kind personal or service
     * @throws NullPointerException if a field is null
     */
    public TokenPrincipal {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    @Override
    public String getName() {
        return name;
    }
}

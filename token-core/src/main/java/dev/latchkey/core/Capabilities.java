package dev.latchkey.core;

import dev.latchkey.spi.AccessLevel;
import java.util.Objects;
import java.util.Optional;

/**
 * What a user may do with tokens right now, from the directory's groups and the policy.
 *
 * @param useTokens        may authenticate with tokens
 * @param createTokens     may create tokens for themselves
 * @param maxLevel         the highest level they may give a token (empty: none)
 * @param manageTokens     token manager
 * @param administerPolicy may change the policy
 *
 * @since 0.1
 */
public record Capabilities(boolean useTokens, boolean createTokens, Optional<AccessLevel> maxLevel,
                           boolean manageTokens, boolean administerPolicy) {
    /**
     * Checks the fields.
     *
     * @param useTokens        may authenticate with tokens
     * @param createTokens     may create tokens for themselves
     * @param maxLevel         the highest level they may give a token (empty: none)
     * @param manageTokens     token manager
     * @param administerPolicy may change the policy
     * @throws NullPointerException if {@code maxLevel} is null
     */
    public Capabilities {
        Objects.requireNonNull(maxLevel, "maxLevel");
    }

    /**
     * Nothing at all (unknown or inactive user).
     *
     * @return capabilities that allow nothing
     */
    public static Capabilities none() {
        return new Capabilities(false, false, Optional.empty(), false, false);
    }
}

/**
 * Latchkey's engine. Start at {@link dev.latchkey.core.Latchkey#builder()}: it wires a token store, a user
 * directory, an audit sink and a policy, and returns an immutable, thread-safe engine with three faces —
 * {@link dev.latchkey.core.Authenticator} (the hot path), {@link dev.latchkey.core.TokenService} (the token
 * lifecycle) and {@link dev.latchkey.core.PolicyService}. Implementation details live in package-private
 * classes and in the non-exported {@code internal} package.
 */
package dev.latchkey.core;

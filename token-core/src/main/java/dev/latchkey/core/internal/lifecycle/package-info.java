/**
 * The token lifecycle service ({@code TokenLifecycle}): create, update, rotate, revoke, list and purge under
 * the permission model, audited. Its package-private parts, each in its own file: {@code Permissions} (who may
 * do what; refusals audited), {@code TokenSpecs} (names, scopes, expiries, limits, new records),
 * {@code Modifications} (updates and revocations as optimistic read-modify-writes) and {@code LeakedTokens}
 * (tokens found by value). Not exported.
 */
package dev.latchkey.core.internal.lifecycle;

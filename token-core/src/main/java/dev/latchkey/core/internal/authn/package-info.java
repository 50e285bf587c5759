/**
 * The hot path: {@code TokenAuthenticator} decides on a presented token from the {@code TokenCache} (records,
 * negative entries, directory users, guarded by {@code CacheTrust}) and records uses in {@code LastUseRecorder}.
 * Not exported.
 */
package dev.latchkey.core.internal.authn;

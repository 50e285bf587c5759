/**
 * The policy in force ({@code PolicyHolder}: compiled, loaded, reloaded) and the policy service
 * ({@code PolicyAdministration}). Not exported.
 */
package dev.latchkey.core.internal.policy;

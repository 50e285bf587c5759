/**
 * The token lifecycle service ({@code TokenLifecycle}): create, update, rotate, revoke, list and purge under
 * the permission model, audited. Not exported.
 */
package dev.latchkey.core.internal.lifecycle;

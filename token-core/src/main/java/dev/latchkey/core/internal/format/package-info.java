/**
 * Token hashing ({@code Digester}). Not exported.
 */
package dev.latchkey.core.internal.format;

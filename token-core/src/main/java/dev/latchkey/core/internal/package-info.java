/**
 * Implementation of the engine, split by role into sub-packages ({@code authn}, {@code cluster}, {@code policy},
 * {@code lifecycle}, {@code audit}, {@code format}, {@code text}, {@code net}); here the settings every part is
 * built from ({@code EngineSettings}) and the compiled CIDR sets. Not exported; not API.
 */
package dev.latchkey.core.internal;

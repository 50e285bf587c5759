/**
 * Caller-supplied text made safe for logs and audit records ({@code SafeText}). Exported only to the servlet
 * and Bitbucket adapters, so their messages follow the engine's rules.
 */
package dev.latchkey.core.internal.text;

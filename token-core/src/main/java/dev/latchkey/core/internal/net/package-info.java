/**
 * Client-address rules shared with the servlet adapter ({@code CidrRules}). Exported only to
 * {@code dev.latchkey.servlet}.
 */
package dev.latchkey.core.internal.net;

/** Implementation details of the engine. Not exported; not API. */
package dev.latchkey.core.internal;

/** Implementation shared by the scanner endpoints; not exported. */
package dev.latchkey.leaks.internal;

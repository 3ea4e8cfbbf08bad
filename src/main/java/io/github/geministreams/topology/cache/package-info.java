/**
 * The answer cache shared by every instance: keys, entries, the global store's loader, and the
 * repeats held while a first copy of the same request is at Gemini.
 */
package io.github.geministreams.topology.cache;

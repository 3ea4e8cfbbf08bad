/**
 * What the Gemini processor writes: output and dead-letter records, their headers, and the settling
 * of a task's answer (forward, cache, delete from the pending store).
 */
package io.github.geministreams.topology.output;

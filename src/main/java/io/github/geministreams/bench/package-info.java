/**
 * The {@code bench} command: workloads, the rows it compares (gemini-streams, the client alone, a naive
 * loop, a passthrough), the physical ceiling and the report.
 */
package io.github.geministreams.bench;

package io.github.geministreams.bench;

/**
 * The figures of one measured row. Throughput runs from the first prompt sent to the last
 * output read; latencies are per output, from its prompt's send to its read (read_committed).
 *
 * @param requestsPerItem   Gemini HTTP requests the simulator received per prompt, 429s included
 * @param textsPerEmbedRequest mean texts per batchEmbedContents request; NaN without any
 * @param billedPerItem     prompts and texts the simulator answered per prompt, each text of a
 *                          batchEmbedContents counting one, as Gemini counts (and bills) them: 1 when
 *                          each prompt is answered once, less when a cache answers repeats
 * @param costPer1000Prompts the outputs' estimated cost ({@code costUsd}) per 1,000 prompts, in US
 *                          dollars; NaN when the row's outputs carry none
 * @param retries           Gemini attempts the subject retried; -1 when it does not count them
 * @param peakHeapBytes     the JVM's highest heap use during the row (broker and simulator included)
 * @param complete          false when the row's timeout passed before every prompt had an output
 */
public record RowResult(
        String name,
        int prompts,
        long outputs,
        long deadLettered,
        long duplicates,
        double seconds,
        double itemsPerSecond,
        long p50Millis,
        long p95Millis,
        long p99Millis,
        double requestsPerItem,
        double textsPerEmbedRequest,
        double billedPerItem,
        double costPer1000Prompts,
        long received429s,
        long retries,
        long peakHeapBytes,
        boolean complete) {
}

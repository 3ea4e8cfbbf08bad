package io.github.geministreams.topology.cache;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.geministreams.gemini.GenerateResult;

/**
 * The value of a cache record (key: {@link CacheKey}): one answer Gemini gave, and when it
 * was written; or an in-flight marker ({@link #pending}), which answers nothing. Of an answer,
 * exactly one of {@code vector} and {@code generated} is set; of a marker, neither.
 *
 * <p><b>Markers.</b> An instance that sends the first copy of a cacheable request writes a
 * marker for its key ({@link #marker}), so that a repeat read on another instance meanwhile
 * waits for the answer to reach the cache instead of asking Gemini again ({@link HeldRepeats}).
 * A marker whose time is up answers nothing and holds nothing: one written with
 * {@code pendingUntilMillis <= writtenAtMillis} withdraws the instance's earlier marker (its
 * first copy failed). The loader never lets a marker replace an answer ({@link CacheLoader}).
 *
 * @param writtenAtMillis    wall-clock time the record was written to the cache topic: what
 *                           {@code cache.max.age} and the eviction of the oldest entries go by
 * @param model              the model that answered (the one the request named); null in a marker
 * @param vector             an embedding, or null
 * @param generated          a generated answer (text, finish reason, block reason, usage), or null
 * @param pendingUntilMillis of a marker, when its repeats stop waiting (the writer's clock); null in an answer
 * @param pendingOn          of a marker, the instance whose first copy is at Gemini ({@link OpenCacheKeys#instance}); null in an answer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CacheEntry(long writtenAtMillis, String model, float[] vector, GenerateResult generated, Long pendingUntilMillis,
                  String pendingOn) {

    /** An answer. */
    public CacheEntry(long writtenAtMillis, String model, float[] vector, GenerateResult generated) {
        this(writtenAtMillis, model, vector, generated, null, null);
    }

    /** A marker: instance {@code pendingOn} sent a first copy of the key, whose answer is due by {@code pendingUntilMillis}. */
    public static CacheEntry marker(long writtenAtMillis, long pendingUntilMillis, String pendingOn) {
        return new CacheEntry(writtenAtMillis, null, null, null, pendingUntilMillis, pendingOn);
    }

    /** True for an in-flight marker, which answers nothing. */
    public boolean pending() {
        return pendingUntilMillis != null;
    }

    /** True for a marker still to be waited on at {@code nowMillis}. */
    boolean pendingAt(long nowMillis) {
        return pending() && pendingUntilMillis > nowMillis;
    }
}

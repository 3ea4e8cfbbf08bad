package io.github.geministreams.topology;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.geministreams.gemini.GenerateResult;

/**
 * The value of a cache record (key: {@link CacheKey}): one answer Gemini gave, and when it
 * was written. Exactly one of {@code vector} and {@code generated} is set.
 *
 * @param writtenAtMillis wall-clock time the answer was written to the cache topic: what
 *                        {@code cache.max.age} and the eviction of the oldest entries go by
 * @param model           the model that answered (the one the request named)
 * @param vector          an embedding, or null
 * @param generated       a generated answer (text, finish reason, block reason, usage), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CacheEntry(long writtenAtMillis, String model, float[] vector, GenerateResult generated) {
}

package io.github.geministreams.topology;

import io.github.geministreams.gemini.Attempted;

/**
 * A finished Gemini request, handed from a callback thread to the stream thread.
 * Exactly one of {@code answer} and {@code failure} is set.
 */
record Completion(Batch batch, Attempted<?> answer, Throwable failure, long latencyMs) {
}

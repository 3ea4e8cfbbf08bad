package io.github.geministreams.pacing;

import java.util.Map;

/**
 * A call's result with the number of attempts it took (1 when the first succeeded).
 *
 * @param model           the model that answered
 * @param attemptsByModel when the call fell back from one model to another ({@link ModelFallback}): the attempts
 *                        each model took, in the order they were tried (0 for a model skipped because its daily
 *                        quota is known to be exhausted), the answering model last; empty otherwise
 */
public record Attempted<T>(T value, int attempts, String model, Map<String, Integer> attemptsByModel) {
    public Attempted {
        attemptsByModel = attemptsByModel == null ? Map.of() : attemptsByModel;
    }

    /** An answer from the model the call was sent to, without fallback. */
    public Attempted(T value, int attempts, String model) {
        this(value, attempts, model, Map.of());
    }
}

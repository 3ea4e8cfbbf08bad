package io.github.geministreams.cost;

import io.github.geministreams.model.Mode;

/**
 * What one model costs, in US dollars per million tokens, online and in a Batch API job.
 * Output prices apply to thinking tokens too, as Google bills them.
 */
public record ModelPrice(double input, double output, double batchInput, double batchOutput) {

    public ModelPrice {
        if (input < 0 || output < 0 || batchInput < 0 || batchOutput < 0) {
            throw new IllegalArgumentException("prices cannot be negative");
        }
    }

    /** The estimated cost in US dollars of {@code inputTokens} in and {@code outputTokens} out, in {@code mode}. */
    public double cost(Mode mode, long inputTokens, long outputTokens) {
        boolean batch = mode == Mode.BATCH;
        return ((batch ? batchInput : input) * inputTokens + (batch ? batchOutput : output) * outputTokens) / 1_000_000d;
    }
}

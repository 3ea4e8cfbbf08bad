package io.github.geministreams.cost;

import io.github.geministreams.model.Mode;

/**
 * What one model costs, in US dollars per million tokens, online and in a Batch API job.
 * Output prices apply to thinking tokens too, as Google bills them.
 */
public record ModelPrice(double input, double output, double batchInput, double batchOutput) {

    public ModelPrice {
        for (double price : new double[] {input, output, batchInput, batchOutput}) {
            // NaN and infinity parse as doubles but are no price.
            if (!Double.isFinite(price) || price < 0) {
                throw new IllegalArgumentException("a price is a finite, non-negative number; got " + price);
            }
        }
    }

    /** The estimated cost in US dollars of {@code inputTokens} in and {@code outputTokens} out, in {@code mode}. */
    public double cost(Mode mode, long inputTokens, long outputTokens) {
        boolean batch = mode == Mode.BATCH;
        return ((batch ? batchInput : input) * inputTokens + (batch ? batchOutput : output) * outputTokens) / 1_000_000d;
    }
}

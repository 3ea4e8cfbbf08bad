package io.github.geministreams.cost;

import io.github.geministreams.gemini.TokenEstimate;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.model.Mode;
import java.util.List;

/**
 * The estimated cost in US dollars of one output, from a {@link PriceTable}: what an output
 * record's {@code costUsd} says. Every path that builds an output (online answers, batch job
 * results) asks it the same way; an output served from the cache costs 0 and needs no estimate.
 *
 * <p>Immutable and thread-safe.
 */
public final class CostEstimator {
    /**
     * Never corrected by Gemini's counts, so it stays at the plain 4 characters a token the
     * docs/cost.md promises (the embed API reports no token counts to correct it with).
     */
    private static final TokenEstimate FOUR_CHARACTERS_A_TOKEN = new TokenEstimate();

    private final PriceTable prices;

    public CostEstimator(PriceTable prices) {
        this.prices = prices;
    }

    /**
     * A generate answer's cost: prompt tokens at the input price, output and thinking tokens at
     * the output price (as Google bills them), in {@code mode}.
     *
     * @param model the model that answered
     * @return null when the table has no price for {@code model}
     */
    public Double response(String model, Mode mode, TokenUsage usage) {
        return prices.of(model)
                .map(price -> price.cost(mode, usage.promptTokens(), (long) usage.outputTokens() + usage.thoughtsTokens()))
                .orElse(null);
    }

    /**
     * An embedding's cost: {@code text}'s tokens, estimated at 4 characters a token, at the
     * input price in {@code mode}.
     *
     * @param model the model that answered
     * @return null when the table has no price for {@code model}
     */
    public Double embedding(String model, Mode mode, String text) {
        return prices.of(model)
                .map(price -> price.cost(mode, FOUR_CHARACTERS_A_TOKEN.of(List.of(text == null ? "" : text)), 0))
                .orElse(null);
    }
}

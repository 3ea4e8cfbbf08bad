package io.github.geministreams.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.model.Mode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostEstimatorTest {
    private static final double MICRO = 1e-12;
    private final CostEstimator costs = new CostEstimator(PriceTable.withOverrides(Map.of(
            "generator", new ModelPrice(1, 10, 0.5, 5),
            "embedder", new ModelPrice(2, 0, 1, 0))));

    @Test
    void shouldChargePromptTokensAtTheInputPriceAndOutputAndThinkingTokensAtTheOutputPrice() {
        // 100 prompt tokens, 20 output tokens, 30 thinking tokens (total 150).
        TokenUsage usage = new TokenUsage(100, 20, 30, 150);
        assertEquals((100 * 1 + 50 * 10) / 1e6, costs.response("generator", Mode.ONLINE, usage), MICRO);
        assertEquals((100 * 0.5 + 50 * 5) / 1e6, costs.response("generator", Mode.BATCH, usage), MICRO);
        assertEquals(costs.response("generator", Mode.ONLINE, usage),
                costs.response("models/generator", Mode.ONLINE, usage), "the model's resource name costs the same");
    }

    @Test
    void shouldEstimateAnEmbeddedTextAtFourCharactersAToken() {
        String text = "x".repeat(400);
        assertEquals(100 * 2 / 1e6, costs.embedding("embedder", Mode.ONLINE, text), MICRO);
        assertEquals(100 * 1 / 1e6, costs.embedding("embedder", Mode.BATCH, text), MICRO);
        assertEquals(101 * 2 / 1e6, costs.embedding("embedder", Mode.ONLINE, text + "y"), MICRO,
                "a started token counts whole");
    }

    @Test
    void shouldKnowNoCostForAModelWithoutAPrice() {
        assertNull(costs.response("unpriced", Mode.ONLINE, new TokenUsage(1, 1, 0, 2)));
        assertNull(costs.embedding("unpriced", Mode.ONLINE, "text"));
        assertNull(costs.response(null, Mode.ONLINE, new TokenUsage(1, 1, 0, 2)));
    }
}

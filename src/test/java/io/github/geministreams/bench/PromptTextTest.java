package io.github.geministreams.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.geministreams.simulator.GeminiSimulator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PromptTextTest {
    @Test
    void shouldPadEveryTextToTheAskedTokensAsTheSimulatorCountsThem() {
        for (int i : new int[] {0, 7, 12_345}) {
            assertEquals(500, GeminiSimulator.tokens(PromptText.of(i, 500)), "text " + i);
        }
        assertEquals(500.0, PromptText.meanTokens(1_000, 500), 1e-9);
    }

    @Test
    void shouldKeepTheShortTextWhenNoOrTooFewTokensAreAsked() {
        assertEquals("Text number 3 about stream processing with Kafka", PromptText.of(3, 0));
        assertEquals(PromptText.of(3, 0), PromptText.of(3, 5));
    }

    @Test
    void shouldGiveEveryIndexItsOwnText() {
        Set<String> texts = new HashSet<>();
        IntStream.range(0, 2_000).forEach(i -> texts.add(PromptText.of(i, 300)));
        assertEquals(2_000, texts.size());
    }
}

package io.github.geministreams.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {
    @Test
    void shouldEstimateAboutFourCharactersPerTokenAndAtLeastOne() {
        TokenEstimate estimate = new TokenEstimate();
        assertEquals(1, estimate.of(List.of("")));
        assertEquals(1, estimate.of(Arrays.asList((String) null)));
        assertEquals(25, estimate.of(List.of("x".repeat(100))));
        assertEquals(50, estimate.of(List.of("x".repeat(100), "y".repeat(100))));
    }

    @Test
    void shouldLearnFromWhatGeminiCountedWhenTextTokenizesDensely() {
        TokenEstimate estimate = new TokenEstimate();
        String text = "x".repeat(400);
        for (int i = 0; i < 60; i++) {
            long charged = estimate.of(List.of(text));
            estimate.observe(charged, 200);
        }
        long learned = estimate.of(List.of(text));
        assertTrue(learned >= 190 && learned <= 210, "estimate moved from 100 to about the 200 counted: " + learned);
        estimate.observe(0, 10);
        estimate.observe(10, 0);
        assertEquals(learned, estimate.of(List.of(text)), "answers without a count teach nothing");
    }
}

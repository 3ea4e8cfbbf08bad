package io.github.geministreams.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.model.Mode;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PromptSequenceTest {

    @Test
    void shouldSendEachTextTwiceWithHalfTheTextsRepeated() {
        int[] texts = PromptSequence.textIndices(1_000, 0.5, new Random(1));
        Map<Integer, Integer> sends = new HashMap<>();
        for (int text : texts) {
            sends.merge(text, 1, Integer::sum);
        }
        assertEquals(500, sends.size(), "500 distinct texts");
        assertTrue(sends.values().stream().allMatch(count -> count == 2), "each sent twice: " + sends);
    }

    @Test
    void shouldRepeatTheAskedShareOfThePrompts() {
        for (double share : new double[] {0, 0.1, 0.25, 0.5, 0.8, 0.99}) {
            int[] texts = PromptSequence.textIndices(2_000, share, new Random(2));
            long distinct = IntStream.of(texts).distinct().count();
            assertEquals(2_000, texts.length);
            assertEquals(Math.round(share * 2_000), 2_000 - distinct, "repeats at share " + share);
        }
    }

    @Test
    void shouldPlaceEveryRepeatAfterTheFirstPromptOfItsTextAndTheFirstsInOrder() {
        int[] texts = PromptSequence.textIndices(3_000, 0.7, new Random(3));
        Set<Integer> seen = new HashSet<>();
        int nextNew = 0;
        for (int text : texts) {
            if (seen.add(text)) {
                assertEquals(nextNew++, text, "a text's first prompt comes in text order");
            }
        }
    }

    @Test
    void shouldSpreadTheRepeatsRatherThanAppendThemInOrder() {
        int[] texts = PromptSequence.textIndices(1_000, 0.5, new Random(4));
        int[] appended = IntStream.range(0, 1_000).map(i -> i % 500).toArray();
        assertFalse(Arrays.equals(appended, texts), "the repeats are not simply appended");
        // A repeat lands among the later first prompts, not only after all of them.
        int lastFirst = 0;
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < texts.length; i++) {
            if (seen.add(texts[i])) {
                lastFirst = i;
            }
        }
        assertTrue(lastFirst > 500, "some repeat comes before the last new text: last new text at " + lastFirst);
    }

    @Test
    void shouldSendEveryTextOnceInOrderWithoutRepeats() {
        assertArrayEquals(IntStream.range(0, 50).toArray(), PromptSequence.textIndices(50, 0, new Random(5)));
    }

    @Test
    void shouldKeepOneTextWhenTheShareWouldRepeatThemAll() {
        assertArrayEquals(new int[] {0}, PromptSequence.textIndices(1, 0.9, new Random(6)));
        assertArrayEquals(new int[] {0, 0}, PromptSequence.textIndices(2, 0.9, new Random(6)));
        assertArrayEquals(new int[0], PromptSequence.textIndices(0, 0.5, new Random(6)));
    }

    @Test
    void shouldRejectAShareOutsideZeroToOne() {
        for (double share : new double[] {-0.1, 1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> PromptSequence.textIndices(10, share, new Random(7)),
                    "share " + share);
        }
    }

    @Test
    void shouldGiveEveryRowTheSameSequence() {
        PromptSequence a = PromptSequence.measured(Workload.EMBED, 500, 0, 0.5);
        PromptSequence b = PromptSequence.measured(Workload.EMBED, 500, 0, 0.5);
        for (int i = 0; i < 500; i++) {
            assertEquals(a.text(i), b.text(i));
        }
    }

    @Test
    void shouldRepeatAPromptsTaskWithItsText() {
        PromptSequence mixed = PromptSequence.measured(Workload.MIXED, 400, 0, 0.5);
        Map<String, String> taskOfText = new HashMap<>();
        for (int i = 0; i < mixed.size(); i++) {
            String before = taskOfText.putIfAbsent(mixed.text(i), mixed.task(i));
            if (before != null) {
                assertEquals(before, mixed.task(i), "a repeat asks what its text asked first");
            }
            assertEquals(Workload.MIXED.task(mixed.textIndex(i)), mixed.task(i));
        }
    }

    @Test
    void shouldGiveTheWarmUpTextsOfTheirOwn() {
        PromptSequence measured = PromptSequence.measured(Workload.EMBED, 100, 0, 0);
        PromptSequence warmUp = PromptSequence.warmUp(Workload.EMBED, 100, 0);
        Set<String> measuredTexts = new HashSet<>();
        IntStream.range(0, 100).forEach(i -> measuredTexts.add(measured.text(i)));
        for (int i = 0; i < 100; i++) {
            assertFalse(measuredTexts.contains(warmUp.text(i)), "warm-up text " + i + " is no measured text");
        }
    }

    @Test
    void shouldGiveEveryPromptItsOwnIdAndCarryTheModeOnlyWhenTheRowHasOne() {
        PromptSequence prompts = PromptSequence.measured(Workload.EMBED, 10, 0, 0.5);
        PromptLoad batch = new PromptLoad(Map.of(), 0, Mode.BATCH);
        Set<Object> ids = new HashSet<>();
        for (int i = 0; i < prompts.size(); i++) {
            Map<String, Object> value = batch.value("row-" + i, prompts, i);
            ids.add(value.get("id"));
            assertEquals("batch", value.get("mode"));
            assertEquals(List.of("embed"), value.get("tasks"));
            assertEquals(prompts.text(i), value.get("prompt"));
        }
        assertEquals(10, ids.size(), "ids stay unique when texts repeat");
        assertEquals(5, IntStream.range(0, 10).mapToObj(prompts::text).distinct().count());
        assertEquals("online", new PromptLoad(Map.of(), 0, Mode.ONLINE).value("x", prompts, 0).get("mode"));
        assertFalse(new PromptLoad(Map.of(), 0, null).value("x", prompts, 0).containsKey("mode"),
                "a baseline's prompts name no mode");
        assertNotEquals(prompts.text(0), PromptSequence.warmUp(Workload.EMBED, 1, 0).text(0));
    }
}

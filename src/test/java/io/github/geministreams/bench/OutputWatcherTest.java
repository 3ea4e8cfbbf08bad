package io.github.geministreams.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The watcher counts outputs by the prompt id in their value, whatever their record key, and sums their cost. */
class OutputWatcherTest {
    @Test
    void shouldReadTheTopLevelIdWhereverItIsAndNothingElse() {
        assertEquals("p-1", OutputWatcher.fieldsOf(bytes("{\"id\":\"p-1\",\"text\":\"an answer\"}")).id());
        assertEquals("p-2", OutputWatcher.fieldsOf(bytes(
                "{\"values\":[0.1,0.2],\"source\":{\"id\":\"nested\"},\"id\":\"p-2\"}")).id(),
                "after an array and an object");
        assertEquals("", OutputWatcher.fieldsOf(bytes("{\"source\":{\"id\":\"nested\"}}")).id(),
                "a nested id is not the prompt's");
        assertEquals("", OutputWatcher.fieldsOf(bytes("a plain-text prompt, dead-lettered")).id());
        assertEquals("", OutputWatcher.fieldsOf(null).id());
    }

    @Test
    void shouldReadTheTopLevelCostWhereverItIs() {
        assertEquals(new OutputWatcher.Fields("p-1", 0.000_075), OutputWatcher.fieldsOf(bytes(
                "{\"id\":\"p-1\",\"values\":[0.1,0.2],\"attributes\":{\"costUsd\":9},\"costUsd\":7.5E-5,\"mode\":\"online\"}")));
        assertEquals(new OutputWatcher.Fields("p-2", 0.0), OutputWatcher.fieldsOf(bytes("{\"costUsd\":0,\"id\":\"p-2\"}")),
                "a cached output costs 0, an integer in JSON");
        assertNull(OutputWatcher.fieldsOf(bytes("{\"id\":\"p-3\",\"attributes\":{\"costUsd\":9}}")).costUsd(),
                "a nested cost is not the output's");
        assertNull(OutputWatcher.fieldsOf(bytes("{\"id\":\"p-4\",\"costUsd\":null}")).costUsd());
    }

    @Test
    void shouldGiveTheCostPerThousandPromptsOnlyWhenEveryAnswerHasOne() {
        assertEquals(0.5, OutputWatcher.costPer1000(0.001, 0, 2, 2), 1e-12);
        assertEquals(0.25, OutputWatcher.costPer1000(0.001, 0, 3, 4), 1e-12, "per prompt sent, answered or not");
        assertTrue(Double.isNaN(OutputWatcher.costPer1000(0.001, 1, 2, 2)), "an answer without a cost: unknown");
        assertTrue(Double.isNaN(OutputWatcher.costPer1000(0, 0, 0, 2)), "no answer: unknown");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}

package io.github.geministreams.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The watcher counts outputs by the prompt id in their value, whatever their record key. */
class OutputWatcherTest {
    @Test
    void shouldReadTheTopLevelIdWhereverItIsAndNothingElse() {
        assertEquals("p-1", OutputWatcher.idOf(bytes("{\"id\":\"p-1\",\"text\":\"an answer\"}")));
        assertEquals("p-2", OutputWatcher.idOf(bytes(
                "{\"values\":[0.1,0.2],\"source\":{\"id\":\"nested\"},\"id\":\"p-2\"}")), "after an array and an object");
        assertEquals("", OutputWatcher.idOf(bytes("{\"source\":{\"id\":\"nested\"}}")), "a nested id is not the prompt's");
        assertEquals("", OutputWatcher.idOf(bytes("a plain-text prompt, dead-lettered")));
        assertEquals("", OutputWatcher.idOf(null));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}

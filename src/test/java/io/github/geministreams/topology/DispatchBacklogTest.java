package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.AppConfig.BatchSettings;
import io.github.geministreams.config.BatchPolicy;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.JsonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The bounded window of a task's backlog in memory, and the store behind it. */
class DispatchBacklogTest {
    private static final int MEMORY_LIMIT = 4;
    private final AppConfig.GeminiSettings gemini = ConfigLayers.defaults().build().gemini();
    private final KeyValueStore<String, PendingPrompt> kv = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("pending"), Serdes.String(), new JsonSerde<>(PendingPrompt.class))
            .withLoggingDisabled().build();
    private final PendingStore store;
    private final DispatchBacklog backlog;

    DispatchBacklogTest() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        kv.init(context.getStateStoreContext(), kv);
        store = new PendingStore(kv);
        OpenBatches batches = new OpenBatches(new BatchSettings(100, Duration.ofMillis(100), BatchPolicy.FIXED));
        backlog = new DispatchBacklog(store, batches, MEMORY_LIMIT, gemini, key -> null, 60_000);
    }

    @Test
    void shouldHoldAtMostItsLimitInMemoryAndBringTheRestBackInArrivalOrder() {
        for (long offset = 0; offset < 25; offset++) {
            PendingPrompt prompt = generate(offset);
            backlog.offer(stored(prompt), prompt, 0);
            assertTrue(backlog.inMemory() <= MEMORY_LIMIT, "in memory: " + backlog.inMemory());
        }
        List<String> sent = new ArrayList<>();
        do {
            Batch batch;
            while ((batch = backlog.pollReady()) != null) {
                batch.items().forEach(item -> sent.add(item.text()));
                batch.items().forEach(item -> {
                    store.delete(item.storeKey());
                    backlog.released(item);
                });
            }
        } while (backlog.refill(0));
        List<String> expected = new ArrayList<>();
        for (long offset = 0; offset < 25; offset++) {
            expected.add("prompt " + offset);
        }
        assertEquals(expected, sent, "each once, oldest first (offsets 2 and 10 sort as numbers, not as text)");
        assertFalse(backlog.spilled());
    }

    @Test
    void shouldNotBringBackAPromptThatIsStillInMemoryOrAtGemini() {
        backlog.resumeStored();
        for (long offset = 0; offset < 3; offset++) {
            stored(generate(offset));
        }
        assertTrue(backlog.refill(0));
        Batch first = backlog.pollReady();
        // A prompt stored under an older, unpadded key sorts after the cursor: the backlog scans again from the first.
        PendingPrompt late = generate(3);
        kv.put("prompts-0-3", late);
        backlog.offer("prompts-0-3", late, 0);
        List<String> texts = new ArrayList<>();
        texts.add(first.items().get(0).text());
        do {
            Batch batch;
            while ((batch = backlog.pollReady()) != null) {
                texts.add(batch.items().get(0).text());
            }
        } while (backlog.refill(0));
        assertEquals(List.of("prompt 0", "prompt 1", "prompt 2", "prompt 3"), texts,
                "prompt 0 is at Gemini and was not read again; each of the others once");
    }

    @Test
    void shouldSortStoreKeysByOffset() {
        String nine = PendingStore.keyOf(new SourceCoordinates("prompts", 0, 9, 0));
        String ten = PendingStore.keyOf(new SourceCoordinates("prompts", 0, 10, 0));
        assertTrue(nine.compareTo(ten) < 0, nine + " before " + ten);
    }

    /** Stores {@code prompt} under its key, as the processor does; returns the key. */
    private String stored(PendingPrompt prompt) {
        String key = PendingStore.keyOf(prompt.source());
        store.put(key, prompt);
        return key;
    }

    private static PendingPrompt generate(long offset) {
        String text = "prompt " + offset;
        PromptRequest request = new PromptRequest("p" + offset, text, Set.of(Task.GENERATE), null, null, null, null, null);
        return PendingPrompt.received(request, new SourceCoordinates("prompts", 0, offset, 0),
                text.getBytes(UTF_8), text.getBytes(UTF_8));
    }
}

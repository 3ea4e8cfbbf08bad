package io.github.geministreams.topology.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topology.store.HandoverEntry;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** What one task writes to the cache and what it accepts from it. */
class AnswerCacheTest {
    private static final long NOW = 1_800_000_000_000L;

    private final AppConfig config = ConfigLayers.defaults()
            .withAll(Map.of("cache.generate.enabled", "true", "cache.max.age", "1h")).build();
    private final PipelineMetrics metrics = PipelineMetrics.inMemory();
    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("gemini-cache"), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled().build();
    private final AnswerCache cache;

    AnswerCacheTest() {
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        cache = new AnswerCache(config.cache(), config.gemini(), store, false, metrics);
    }

    private static PromptRequest request(String text) {
        return new PromptRequest("id", text, Set.of(Task.EMBED, Task.GENERATE), null, null, null, null, null);
    }

    private static PendingPrompt pending(PromptRequest request) {
        return PendingPrompt.received(request, new SourceCoordinates("prompts", 0, 1, NOW), "k".getBytes(UTF_8),
                "v".getBytes(UTF_8));
    }

    private static GenerateResult result() {
        return new GenerateResult("an answer", "STOP", null, null, new TokenUsage(1, 2, 0, 3), "v1");
    }

    private double counter(String name) {
        var counter = metrics.registry().find("gemini.streams." + name).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldWriteAnEmbeddingUnderItsKeyAndReadItBack() {
        PromptRequest request = request("text");
        float[] vector = {0.25f, -1.5f, 3.0e-7f};
        Record<byte[], byte[]> record = cache.record(Task.EMBED, request,
                HandoverEntry.embedded("gemini-embedding-001", vector, 2, 40), NOW);
        assertNotNull(record);
        String key = new String(record.key(), UTF_8);
        assertEquals(CacheKey.of(Task.EMBED, request, config.gemini()), key);
        CacheEntry entry = Json.fromBytes(record.value(), CacheEntry.class);
        assertEquals(NOW, entry.writtenAtMillis());
        assertArrayEquals(vector, entry.vector());

        store.put(CacheLoader.entryKey(key), record.value());
        CacheEntry read = cache.lookup(Task.EMBED, pending(request), NOW + 1);
        assertNotNull(read);
        assertArrayEquals(vector, read.vector());
        assertEquals(1.0, counter("cache.hits"));
    }

    @Test
    void shouldIgnoreAnExpiredEntry() {
        PromptRequest request = request("text");
        Record<byte[], byte[]> record = cache.record(Task.EMBED, request,
                HandoverEntry.embedded("gemini-embedding-001", new float[] {1f}, 1, 1), NOW);
        store.put(CacheLoader.entryKey(new String(record.key(), UTF_8)), record.value());
        assertNull(cache.lookup(Task.EMBED, pending(request), NOW + Duration.ofHours(1).toMillis() + 1));
        assertEquals(1.0, counter("cache.misses"));
        assertEquals(0.0, counter("cache.hits"));
    }

    @Test
    void shouldCacheAGenerateAnswerOnlyFromTheModelAskedFor() {
        PromptRequest request = request("q");
        String asked = config.gemini().generateModel();
        assertNotNull(cache.record(Task.GENERATE, request,
                HandoverEntry.generated(asked, result(), 1, Map.of(), 10), NOW));
        assertNull(cache.record(Task.GENERATE, request,
                HandoverEntry.generated("gemini-2.0-flash-lite", result(), 3, Map.of(asked, 2, "gemini-2.0-flash-lite", 1),
                        10), NOW), "a fallback model's answer is not the answer of the model asked for");
    }

    @Test
    void shouldWriteNothingForATaskWhoseCacheIsOff() {
        AppConfig embedOnly = ConfigLayers.defaults().build();
        AnswerCache defaults = new AnswerCache(embedOnly.cache(), embedOnly.gemini(), store, false, metrics);
        assertNull(defaults.record(Task.GENERATE, request("q"),
                HandoverEntry.generated(embedOnly.gemini().generateModel(), result(), 1, Map.of(), 10), NOW));
        AnswerCache none = new AnswerCache(config.cache(), config.gemini(), null, false, metrics);
        assertNull(none.record(Task.EMBED, request("q"), HandoverEntry.embedded("m", new float[] {1f}, 1, 1), NOW));
        assertNull(none.lookup(Task.EMBED, pending(request("q")), NOW));
        assertEquals(0.0, counter("cache.misses"));
    }
}

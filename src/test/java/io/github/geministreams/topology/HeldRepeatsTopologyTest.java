package io.github.geministreams.topology;

import static io.github.geministreams.topology.TopologyHarness.embedPrompt;
import static io.github.geministreams.topology.TopologyHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.testing.FakeGeminiClient;
import io.github.geministreams.topology.cache.HeldRepeats;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Repeats in one burst: a text read again while its first copy is still collecting or at
 * Gemini waits for that answer ({@link HeldRepeats}) instead of being sent, and is answered
 * like a cache hit; when the first copy fails, the repeat is sent after all, once.
 */
class HeldRepeatsTopologyTest {
    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of(
            "embed.bundle.size", "4",
            "embed.bundle.policy", "adaptive"));

    private TopologyHarness pipeline;
    private FakeGeminiClient gemini;

    private void start(Map<String, String> overrides) {
        gemini = new FakeGeminiClient();
        pipeline = harnesses.start(overrides, gemini);
    }

    private int textsEmbedded() {
        return gemini.embedRequests().stream().mapToInt(request -> request.texts().size()).sum();
    }

    @Test
    void shouldEmbedEachTextOnceWhenEveryTextComesTwiceInOneBurst() throws IOException {
        start(Map.of());
        int texts = 10;
        List<String> burst = new ArrayList<>();
        for (int i = 0; i < texts; i++) {
            burst.add("text " + i);
            burst.add("text " + i);
        }
        Collections.shuffle(burst, new Random(13));
        Map<String, String> textById = new HashMap<>();
        for (int i = 0; i < burst.size(); i++) {
            // Every prompt is read before the clock moves: no answer has been handled, none is in the cache.
            textById.put("p" + i, burst.get(i));
            pipeline.send("k" + i, embedPrompt("p" + i, burst.get(i)));
        }

        List<TestRecord<byte[], byte[]>> outputs = pipeline.drain(pipeline.embeddings(), burst.size());
        pipeline.settle();
        outputs.addAll(pipeline.embeddings().readRecordsToList());
        assertEquals(burst.size(), outputs.size(), "one output per prompt");

        Map<String, JsonNode> freshByText = new HashMap<>();
        List<JsonNode> repeats = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : outputs) {
            JsonNode embedding = json(record);
            if (embedding.path("cached").asBoolean(false)) {
                repeats.add(embedding);
            } else {
                assertEquals(null, freshByText.put(textById.get(embedding.get("id").asText()), embedding),
                        "one fresh answer per text: " + embedding);
            }
        }
        assertEquals(texts, freshByText.size());
        assertEquals(texts, repeats.size());
        for (JsonNode repeat : repeats) {
            JsonNode fresh = freshByText.get(textById.get(repeat.get("id").asText()));
            assertNotNull(fresh, repeat.toString());
            assertEquals(fresh.get("values"), repeat.get("values"), "the first copy's vector: " + repeat);
            assertEquals(0, repeat.get("attempts").asInt(), repeat.toString());
            assertEquals(0, repeat.get("latencyMs").asLong(), repeat.toString());
            assertEquals(0.0, repeat.get("costUsd").asDouble(), repeat.toString());
        }
        assertEquals(texts, textsEmbedded(), "each text sent once: " + gemini.embedRequests().stream()
                .map(EmbedRequest::texts).toList());
        assertEquals(texts, pipeline.counter("cache.repeats.coalesced", "task", "embed"));
        assertTrue(pipeline.pendingStoreIsEmpty());
        assertEquals(0, pipeline.services().openCacheKeys().size(), "no flight left open");
    }

    @Test
    void shouldAnswerAnIdenticalGenerateRequestOnceWhenItComesTwiceInOneBurst() throws IOException {
        start(Map.of("cache.generate.enabled", "true"));
        pipeline.send("k1", "{\"id\":\"g1\",\"prompt\":\"hello\"}");
        pipeline.send("k2", "{\"id\":\"g2\",\"prompt\":\"hello\"}");
        List<TestRecord<byte[], byte[]>> outputs = pipeline.drain(pipeline.responses(), 2);
        pipeline.settle();
        assertEquals(2, outputs.size());
        JsonNode first = json(outputs.get(0));
        JsonNode second = json(outputs.get(1));
        assertEquals("g1", first.get("id").asText());
        assertFalse(first.has("cached"), first.toString());
        assertEquals("g2", second.get("id").asText());
        assertTrue(second.get("cached").asBoolean(), second.toString());
        assertEquals(first.get("text"), second.get("text"));
        assertEquals(1, gemini.generateCalls());
    }

    @Test
    void shouldSendTheRepeatOnceWhenTheFirstCopyIsDeadLettered() throws IOException {
        start(Map.of());
        gemini.failNext(1, GeminiException.of(403, "PERMISSION_DENIED", "Permission denied"));
        pipeline.send("k1", embedPrompt("first", "the text"));
        pipeline.send("k2", embedPrompt("repeat", "the text"));

        JsonNode dead = json(pipeline.drain(pipeline.deadLetters(), 1).get(0));
        JsonNode repeat = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        pipeline.settle();
        assertEquals("first", dead.get("id").asText(), dead.toString());
        assertEquals("repeat", repeat.get("id").asText());
        assertFalse(repeat.has("cached"), "sent to Gemini itself: " + repeat);
        assertEquals(1, repeat.get("attempts").asInt());
        assertEquals(List.of(List.of("the text"), List.of("the text")),
                gemini.embedRequests().stream().map(EmbedRequest::texts).toList(), "the first copy, then the repeat");
        assertTrue(pipeline.embeddings().isEmpty(), "answered once");
        assertTrue(pipeline.deadLetters().isEmpty(), "dead-lettered once");
        assertTrue(pipeline.pendingStoreIsEmpty());
        assertEquals(0.0, pipeline.counter("cache.repeats.coalesced", "task", "embed"));
        assertEquals(0, pipeline.services().openCacheKeys().size());
    }

    @Test
    void shouldDeadLetterEachCopyOnceWhenTheTextFailsForGood() throws IOException {
        start(Map.of());
        gemini.failWhenTextContains("bad", GeminiException.of(403, "PERMISSION_DENIED", "Permission denied"));
        pipeline.send("k1", embedPrompt("first", "a bad text"));
        pipeline.send("k2", embedPrompt("repeat", "a bad text"));

        List<TestRecord<byte[], byte[]>> dead = pipeline.drain(pipeline.deadLetters(), 2);
        pipeline.settle();
        dead.addAll(pipeline.deadLetters().readRecordsToList());
        List<String> ids = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : dead) {
            ids.add(json(record).get("id").asText());
        }
        assertEquals(List.of("first", "repeat"), ids);
        assertEquals(2, gemini.embedCalls(), "the repeat was sent itself, after the first copy failed");
        assertTrue(pipeline.embeddings().isEmpty());
        assertTrue(pipeline.pendingStoreIsEmpty());
    }
}

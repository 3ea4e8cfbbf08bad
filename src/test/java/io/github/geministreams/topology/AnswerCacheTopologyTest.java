package io.github.geministreams.topology;

import static io.github.geministreams.topology.TopologyHarness.json;
import static io.github.geministreams.topology.TopologyHarness.prompt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.testing.FakeGeminiClient;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The answer cache in the wired topology: an answer written to the cache topic reaches the
 * global store (the test driver pipes the sink's records into it), and a repeated request is
 * answered from there without a Gemini call.
 */
class AnswerCacheTopologyTest {
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

    private double counter(String name, String task) {
        return pipeline.counter(name, "task", task);
    }

    private double entries() {
        return pipeline.services().metrics().registry().get("gemini.streams.cache.entries").gauge().value();
    }

    @Test
    void shouldAnswerARepeatedTextFromTheCacheWithTheSameVectorAndNoGeminiCall() throws IOException {
        start(Map.of());
        pipeline.send("k1", prompt("first", "the same text", "\"embed\""));
        JsonNode first = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        pipeline.settle();
        assertEquals(1, gemini.embedCalls());
        assertFalse(first.has("cached"), first.toString());
        assertEquals(1.0, entries());

        pipeline.send("k2", prompt("second", "the same text", "\"embed\""));
        // Answered on arrival: the output is there before the clock moves.
        List<TestRecord<byte[], byte[]>> outputs = pipeline.embeddings().readRecordsToList();
        assertEquals(1, outputs.size());
        JsonNode second = json(outputs.get(0));
        assertEquals("second", second.get("id").asText());
        assertTrue(second.get("cached").asBoolean(), second.toString());
        assertEquals(first.get("values"), second.get("values"));
        assertEquals(first.get("model"), second.get("model"));
        assertEquals(8, second.get("dimensions").asInt());
        assertEquals(0, second.get("attempts").asInt());
        assertEquals(0, second.get("latencyMs").asLong());
        assertEquals(0.0, second.get("costUsd").asDouble());
        assertTrue(second.get("costUsd").isNumber());
        assertEquals(1, gemini.embedCalls(), "no second call");
        assertTrue(pipeline.pendingStoreIsEmpty());
        assertEquals(1.0, counter("cache.hits", "embed"));
        assertEquals(1.0, counter("cache.misses", "embed"));
        assertEquals(1.0, entries(), "an answer from the cache is not written again");

        pipeline.send("k3", prompt("other", "another text", "\"embed\""));
        JsonNode other = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertNotEquals(first.get("values"), other.get("values"));
        assertEquals(2, gemini.embedCalls());
    }

    @Test
    void shouldEmbedATextRepeatedInOneBatchOnce() throws IOException {
        // Without the cache: with it, a repeat would not join the batch but wait for the first
        // copy's answer (HeldRepeatsTopologyTest). Repeats that do share a batch share the text.
        start(Map.of("embed.bundle.max.wait", "1h", "cache.embed.enabled", "false"));
        List<String> texts = List.of("x", "x", "y", "x");
        for (int i = 0; i < texts.size(); i++) {
            pipeline.send(null, prompt("e" + i, texts.get(i), "\"embed\""));
        }
        Map<String, JsonNode> byId = new HashMap<>();
        for (TestRecord<byte[], byte[]> record : pipeline.drain(pipeline.embeddings(), 4)) {
            JsonNode embedding = json(record);
            byId.put(embedding.get("id").asText(), embedding);
            assertFalse(embedding.has("cached"), "answered by the call: " + embedding);
        }
        assertEquals(1, gemini.embedCalls());
        assertEquals(List.of("x", "y"), gemini.embedRequests().get(0).texts());
        assertEquals(byId.get("e0").get("values"), byId.get("e1").get("values"));
        assertEquals(byId.get("e0").get("values"), byId.get("e3").get("values"));
        assertNotEquals(byId.get("e0").get("values"), byId.get("e2").get("values"));
    }

    @Test
    void shouldSendTheTasksTheCacheDoesNotHold() throws IOException {
        start(Map.of());
        pipeline.send("k1", prompt("first", "a question", "\"embed\""));
        pipeline.drain(pipeline.embeddings(), 1);
        pipeline.settle();

        pipeline.send("k2", prompt("both", "a question", "\"embed\",\"generate\""));
        assertTrue(json(pipeline.embeddings().readRecordsToList().get(0)).get("cached").asBoolean());
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        assertEquals("answer: a question", response.get("text").asText());
        assertFalse(response.has("cached"), "generate is not cached by default: " + response);
        pipeline.settle();
        assertEquals(1, gemini.embedCalls());
        assertEquals(1, gemini.generateCalls());
        assertEquals(0.0, counter("cache.misses", "generate"), "generate is not looked up while off");
    }

    @Test
    void shouldAnswerAnIdenticalGenerateRequestFromTheCacheWhenEnabled() throws IOException {
        start(Map.of("cache.generate.enabled", "true"));
        String settings = ",\"generation\":{\"temperature\":0.2}";
        pipeline.send("k1", "{\"id\":\"g1\",\"prompt\":\"hello\"" + settings + "}");
        JsonNode first = json(pipeline.drain(pipeline.responses(), 1).get(0));
        pipeline.settle();

        pipeline.send("k2", "{\"id\":\"g2\",\"prompt\":\"hello\"" + settings + "}");
        JsonNode second = json(pipeline.responses().readRecordsToList().get(0));
        assertTrue(second.get("cached").asBoolean(), second.toString());
        assertEquals(first.get("text"), second.get("text"));
        assertEquals(first.get("finishReason"), second.get("finishReason"));
        assertEquals(0, second.get("attempts").asInt());

        // Other generation settings: another request.
        pipeline.send("k3", "{\"id\":\"g3\",\"prompt\":\"hello\",\"generation\":{\"temperature\":0.9}}");
        JsonNode third = json(pipeline.drain(pipeline.responses(), 1).get(0));
        assertFalse(third.has("cached"), third.toString());
        pipeline.settle();
        assertEquals(2, gemini.generateCalls());
    }

    @Test
    void shouldCacheASafetyBlockedAnswerAsAnAnswer() throws IOException {
        start(Map.of("cache.generate.enabled", "true"));
        gemini.blockWhenPromptContains("UNSAFE");
        pipeline.send("k1", "{\"id\":\"b1\",\"prompt\":\"UNSAFE thing\"}");
        pipeline.drain(pipeline.responses(), 1);
        pipeline.settle();
        pipeline.send("k2", "{\"id\":\"b2\",\"prompt\":\"UNSAFE thing\"}");
        JsonNode second = json(pipeline.responses().readRecordsToList().get(0));
        assertTrue(second.get("blocked").asBoolean(), second.toString());
        assertEquals("SAFETY", second.get("blockReason").asText());
        assertTrue(second.get("cached").asBoolean());
        assertEquals(1, gemini.generateCalls());
    }

    @Test
    void shouldNeitherReadNorWriteWhenDisabled() throws IOException {
        start(Map.of("cache.embed.enabled", "false"));
        pipeline.send("k1", prompt("a", "text", "\"embed\""));
        pipeline.drain(pipeline.embeddings(), 1);
        pipeline.settle();
        pipeline.send("k2", prompt("b", "text", "\"embed\""));
        JsonNode second = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertFalse(second.has("cached"));
        pipeline.settle();
        assertEquals(2, gemini.embedCalls());
        assertEquals(0.0, counter("cache.misses", "embed"));
    }

    @Test
    void shouldNotLetAKeyedPromptOvertakeItsKeyUnderKeyOrdering() throws IOException {
        start(Map.of("ordering", "key"));
        pipeline.send("k1", prompt("first", "text", "\"embed\""));
        pipeline.drain(pipeline.embeddings(), 1);
        pipeline.settle();
        pipeline.send("k1", prompt("keyed", "text", "\"embed\""));
        JsonNode keyed = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertFalse(keyed.has("cached"), keyed.toString());
        pipeline.send(null, prompt("keyless", "text", "\"embed\""));
        assertTrue(json(pipeline.embeddings().readRecordsToList().get(0)).get("cached").asBoolean());
    }
}

package io.github.geministreams.topology;

import static io.github.geministreams.topology.TopologyHarness.embedPrompt;
import static io.github.geministreams.topology.TopologyHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.testing.FakeGeminiClient;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cache in a backlog: prompts wait in the pending store, and a repeated text read back from
 * there after its first copy was answered is answered from the cache, not sent again.
 */
class AnswerCacheBacklogTopologyTest {
    private static final int TEXTS = 12;
    /** The first half comes again: far enough behind its first copy that the first copy is answered by then. */
    private static final int REPEATED = TEXTS / 2;

    // Two texts a request, one request at a time, four items in memory: the rest waits in the store,
    // and a repeat is read back only once the requests before it are answered.
    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of(
            "embed.bundle.size", "2",
            "max.in.flight", "1"));

    @Test
    void shouldAnswerARepeatReadBackFromTheStoreFromTheCache() throws IOException {
        FakeGeminiClient gemini = new FakeGeminiClient();
        TopologyHarness pipeline = harnesses.start(Map.of(), gemini);
        for (int i = 0; i < TEXTS; i++) {
            pipeline.send(null, embedPrompt("first-" + i, "text " + i));
        }
        for (int i = 0; i < REPEATED; i++) {
            pipeline.send(null, embedPrompt("again-" + i, "text " + i));
        }
        Map<String, JsonNode> byId = new HashMap<>();
        for (TestRecord<byte[], byte[]> record : pipeline.drain(pipeline.embeddings(), TEXTS + REPEATED)) {
            JsonNode embedding = json(record);
            byId.put(embedding.get("id").asText(), embedding);
        }
        pipeline.settle();

        int textsSent = gemini.embedRequests().stream().mapToInt(request -> request.texts().size()).sum();
        assertEquals(TEXTS, textsSent, "each text embedded once: " + gemini.embedRequests().stream()
                .map(EmbedRequest::texts).toList());
        assertEquals(TEXTS + REPEATED, byId.size());
        for (int i = 0; i < REPEATED; i++) {
            JsonNode again = byId.get("again-" + i);
            assertTrue(again.path("cached").asBoolean(), again.toString());
            assertEquals(byId.get("first-" + i).get("values"), again.get("values"));
        }
    }
}

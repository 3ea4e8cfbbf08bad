package io.github.geministreams.topology;

import static io.github.geministreams.topology.TopologyHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.testing.FakeGeminiClient;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Estimated costs on outputs and job records. The fake answers every generate call with 5
 * prompt tokens and 7 output tokens, and names the model it was asked.
 */
class CostTopologyTest {
    private static final double MICRO = 1e-12;
    /** 5 prompt tokens at $1 and 7 output tokens at $10 per million. */
    private static final double GENERATE_COST = (5 * 1 + 7 * 10) / 1e6;
    /** "embed me twice" is 14 characters: 4 tokens at $2 per million. */
    private static final double EMBED_COST = 4 * 2 / 1e6;

    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of(
            "gemini.embed.model", "priced-embedder",
            "embed.bundle.max.wait", "10ms",
            "gemini.prices", "priced-generator=1/10/0.5/5,priced-embedder=2/0/1/0"));

    private TopologyHarness pipeline;

    private void start(String generateModel) {
        pipeline = harnesses.start(Map.of("gemini.generate.model", generateModel), new FakeGeminiClient());
    }

    @Test
    void shouldPutTheEstimatedCostOnEachOutputAndTheirSumOnTheJob() throws IOException {
        start("priced-generator");
        pipeline.send("a", "{\"id\":\"a\",\"prompt\":\"embed me twice\",\"tasks\":[\"generate\",\"embed\"],"
                + "\"job\":\"j1\",\"jobSize\":2}");
        pipeline.send("b", "{\"id\":\"b\",\"prompt\":\"answer me\",\"tasks\":[\"generate\"],\"job\":\"j1\",\"jobSize\":2}");

        for (TestRecord<byte[], byte[]> response : pipeline.drain(pipeline.responses(), 2)) {
            assertEquals(GENERATE_COST, json(response).get("costUsd").asDouble(), MICRO);
            assertEquals("online", json(response).get("mode").asText());
        }
        JsonNode embedding = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertEquals(EMBED_COST, embedding.get("costUsd").asDouble(), MICRO);
        pipeline.settle();
        JsonNode completion = null;
        for (TestRecord<byte[], byte[]> record : pipeline.jobs().readRecordsToList()) {
            if ("COMPLETED".equals(json(record).get("status").asText())) {
                completion = json(record);
            }
        }
        assertEquals(2 * GENERATE_COST + EMBED_COST, completion.get("costUsd").asDouble(), MICRO);
    }

    @Test
    void shouldLeaveTheCostOutForAModelWithoutAPrice() throws IOException {
        start("unpriced");
        pipeline.send("a", "{\"id\":\"a\",\"prompt\":\"answer me\",\"tasks\":[\"generate\"],\"job\":\"j1\",\"jobSize\":1}");
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        assertEquals("unpriced", response.get("model").asText(), "the model that answered");
        assertFalse(response.has("costUsd"), response.toString());
        pipeline.settle();
        JsonNode job = json(pipeline.jobs().readRecordsToList().get(0));
        assertEquals(0, job.get("costUsd").asDouble(), "nothing known to add");
    }
}

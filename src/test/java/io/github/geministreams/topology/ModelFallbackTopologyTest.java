package io.github.geministreams.topology;

import static io.github.geministreams.testing.RecordContents.header;
import static io.github.geministreams.topology.TopologyHarness.FAST_RETRIES;
import static io.github.geministreams.topology.TopologyHarness.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.serde.Json;
import io.github.geministreams.testing.FakeGeminiClient;
import io.github.geministreams.topology.output.DeadLetterHeaders;
import io.github.geministreams.topology.store.HandoverEntry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code gemini.generate.model.fallbacks} through the topology: what the response records
 * and what the dead letter says. The fallback logic itself is ModelFallbackTest's.
 */
class ModelFallbackTopologyTest {
    private static final String FIRST = "gemini-2.5-flash";
    private static final String SECOND = "gemini-2.0-flash";
    private static final String THIRD = "gemini-2.0-flash-lite";
    private static final GeminiException NOT_FOUND = GeminiException.of(404, "NOT_FOUND", "model not found");

    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(FAST_RETRIES, Map.of(
            "gemini.generate.model", FIRST,
            "gemini.generate.model.fallbacks", SECOND + "," + THIRD,
            "gemini.max.attempts", "2"));

    private final FakeGeminiClient gemini = new FakeGeminiClient();
    private TopologyHarness pipeline;

    @BeforeEach
    void start() {
        pipeline = harnesses.start(Map.of(), gemini);
    }

    /** Drains {@code topic} until a record waits there, and wants it to be the only one. */
    private TestRecord<byte[], byte[]> next(TestOutputTopic<byte[], byte[]> topic) {
        List<TestRecord<byte[], byte[]>> records = pipeline.drain(topic, 1);
        assertEquals(1, records.size());
        return records.get(0);
    }

    @Test
    void shouldRecordTheFallbackModelThatAnsweredAndEachModelsAttempts() throws IOException {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, Integer.MAX_VALUE, GeminiException.of(503, "UNAVAILABLE", "overloaded"));

        pipeline.send(null, "{\"id\":\"p1\",\"prompt\":\"hello\"}");

        JsonNode response = json(next(pipeline.responses()));
        assertEquals(THIRD, response.get("model").asText());
        assertEquals("answer: hello", response.get("text").asText());
        assertEquals(4, response.get("attempts").asInt(), "1 + 2 + 1");
        assertEquals(Json.MAPPER.readTree("{\"" + FIRST + "\":1,\"" + SECOND + "\":2,\"" + THIRD + "\":1}"),
                response.get("attemptsByModel"));
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldLeaveAttemptsByModelOutWhenTheGenerateModelAnswers() throws IOException {
        pipeline.send(null, "{\"id\":\"p1\",\"prompt\":\"hello\"}");

        JsonNode response = json(next(pipeline.responses()));
        assertEquals(FIRST, response.get("model").asText());
        assertEquals(false, response.has("attemptsByModel"));
    }

    @Test
    void shouldDeadLetterWithWhatEachModelAnsweredWhenNoModelCan() {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(THIRD, Integer.MAX_VALUE, GeminiException.of(403, "PERMISSION_DENIED", "denied"));

        pipeline.send(null, "doomed");

        TestRecord<byte[], byte[]> record = next(pipeline.deadLetters());
        assertArrayEquals("doomed".getBytes(UTF_8), record.value());
        assertEquals("no model answered: " + FIRST + " (1 attempt): Gemini 404 NOT_FOUND: model not found; "
                        + SECOND + " (1 attempt): Gemini 404 NOT_FOUND: model not found; "
                        + THIRD + " (1 attempt): Gemini 403 PERMISSION_DENIED: denied",
                header(record.headers(), DeadLetterHeaders.MESSAGE));
        assertEquals("3", header(record.headers(), DeadLetterHeaders.ATTEMPTS));
        assertEquals("403", header(record.headers(), DeadLetterHeaders.HTTP_STATUS), "the last model's answer");
        assertTrue(pipeline.responses().isEmpty());
    }

    @Test
    void shouldNotFallBackForAPromptThatNamesItsModel() {
        gemini.failModel(SECOND, Integer.MAX_VALUE, NOT_FOUND);

        pipeline.send(null, "{\"id\":\"p1\",\"prompt\":\"hello\",\"model\":\"" + SECOND + "\"}");

        TestRecord<byte[], byte[]> record = next(pipeline.deadLetters());
        assertEquals("Gemini 404 NOT_FOUND: model not found", header(record.headers(), DeadLetterHeaders.MESSAGE));
        assertEquals(0, gemini.generateCalls(FIRST));
        assertEquals(0, gemini.generateCalls(THIRD), "the models after it are not tried either");
    }

    @Test
    void shouldHandOverTheAnsweringModelAndItsAttempts() {
        Map<String, Integer> attempts = new LinkedHashMap<>();
        attempts.put(FIRST, 1);
        attempts.put(SECOND, 1);
        HandoverEntry answer = HandoverEntry.generated(SECOND, new GenerateResult("hi", "STOP", null, null,
                new TokenUsage(1, 1, 0, 2), SECOND), 2, attempts, 5);

        HandoverEntry read = Json.fromBytes(Json.toBytes(answer), HandoverEntry.class);

        assertEquals(SECOND, read.model());
        assertEquals(attempts, read.attemptsByModel());
        assertEquals(List.of(FIRST, SECOND), List.copyOf(read.attemptsByModel().keySet()));
    }
}

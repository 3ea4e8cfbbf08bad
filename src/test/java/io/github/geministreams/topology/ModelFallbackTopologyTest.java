package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.FakeGeminiClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gemini.generate.model.fallbacks} through the topology: what the response records
 * and what the dead letter says. The fallback logic itself is ModelFallbackTest's.
 */
class ModelFallbackTopologyTest {
    private static final String FIRST = "gemini-2.5-flash";
    private static final String SECOND = "gemini-2.0-flash";
    private static final String THIRD = "gemini-2.0-flash-lite";
    private static final Duration TICK = Duration.ofMillis(10);
    private static final GeminiException NOT_FOUND = GeminiException.of(404, "NOT_FOUND", "model not found");

    @TempDir
    Path stateDir;

    private final FakeGeminiClient gemini = new FakeGeminiClient();
    private GeminiGateway gateway;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> prompts;
    private TestOutputTopic<byte[], byte[]> responses;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        AppConfig config = ConfigLayers.defaults().withAll(Map.of(
                "gemini.generate.model", FIRST,
                "gemini.generate.model.fallbacks", SECOND + "," + THIRD,
                "gemini.max.attempts", "2",
                "gemini.retry.initial.backoff", "1ms",
                "gemini.retry.max.backoff", "2ms",
                "punctuate.interval", "10ms",
                "state.dir", stateDir.toString())).build();
        gateway = new GeminiGateway(config, gemini);
        var props = config.streamsProperties();
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(PromptTopology.build(config, gateway), props);
        prompts = driver.createInputTopic("prompts", new ByteArraySerializer(), new ByteArraySerializer());
        responses = driver.createOutputTopic("responses", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic("dead-letter", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        gateway.close();
        gemini.close();
    }

    private void send(String value) {
        prompts.pipeInput(null, value.getBytes(UTF_8));
    }

    /** Advances the wall clock tick by tick until a record waits in {@code topic}. */
    private TestRecord<byte[], byte[]> next(TestOutputTopic<byte[], byte[]> topic) {
        List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(TICK);
            records.addAll(topic.readRecordsToList());
            return !records.isEmpty();
        });
        assertEquals(1, records.size());
        return records.get(0);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    @Test
    void shouldRecordTheFallbackModelThatAnsweredAndEachModelsAttempts() throws IOException {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, Integer.MAX_VALUE, GeminiException.of(503, "UNAVAILABLE", "overloaded"));

        send("{\"id\":\"p1\",\"prompt\":\"hello\"}");

        JsonNode response = Json.MAPPER.readTree(next(responses).value());
        assertEquals(THIRD, response.get("model").asText());
        assertEquals("answer: hello", response.get("text").asText());
        assertEquals(4, response.get("attempts").asInt(), "1 + 2 + 1");
        assertEquals(Json.MAPPER.readTree("{\"" + FIRST + "\":1,\"" + SECOND + "\":2,\"" + THIRD + "\":1}"),
                response.get("attemptsByModel"));
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void shouldLeaveAttemptsByModelOutWhenTheGenerateModelAnswers() throws IOException {
        send("{\"id\":\"p1\",\"prompt\":\"hello\"}");

        JsonNode response = Json.MAPPER.readTree(next(responses).value());
        assertEquals(FIRST, response.get("model").asText());
        assertEquals(false, response.has("attemptsByModel"));
    }

    @Test
    void shouldDeadLetterWithWhatEachModelAnsweredWhenNoModelCan() {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(THIRD, Integer.MAX_VALUE, GeminiException.of(403, "PERMISSION_DENIED", "denied"));

        send("doomed");

        TestRecord<byte[], byte[]> record = next(deadLetters);
        assertArrayEquals("doomed".getBytes(UTF_8), record.value());
        assertEquals("no model answered: " + FIRST + " (1 attempt): Gemini 404 NOT_FOUND: model not found; "
                        + SECOND + " (1 attempt): Gemini 404 NOT_FOUND: model not found; "
                        + THIRD + " (1 attempt): Gemini 403 PERMISSION_DENIED: denied",
                header(record, DeadLetterHeaders.MESSAGE));
        assertEquals("3", header(record, DeadLetterHeaders.ATTEMPTS));
        assertEquals("403", header(record, DeadLetterHeaders.HTTP_STATUS), "the last model's answer");
        assertTrue(responses.isEmpty());
    }

    @Test
    void shouldNotFallBackForAPromptThatNamesItsModel() {
        gemini.failModel(SECOND, Integer.MAX_VALUE, NOT_FOUND);

        send("{\"id\":\"p1\",\"prompt\":\"hello\",\"model\":\"" + SECOND + "\"}");

        TestRecord<byte[], byte[]> record = next(deadLetters);
        assertEquals("Gemini 404 NOT_FOUND: model not found", header(record, DeadLetterHeaders.MESSAGE));
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

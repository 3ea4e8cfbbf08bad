package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.FakeGeminiClient;
import io.github.geministreams.prompt.InvalidPromptException;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates, allowed models and the context guard in the real topology, with the shipped
 * sample prompts file and an in-memory Gemini fake that answers {@code "answer: " + prompt}.
 */
class PromptRulesTopologyTest {
    private static final Duration TICK = Duration.ofMillis(10);

    @TempDir
    Path dir;

    private TopologyTestDriver driver;
    private FakeGeminiClient gemini;
    private GeminiGateway gateway;
    private TestInputTopic<byte[], byte[]> prompts;
    private TestOutputTopic<byte[], byte[]> responses;
    private TestOutputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    private void start(Map<String, String> overrides) throws IOException {
        Path promptsFile = dir.resolve("prompts.yaml");
        try (InputStream sample = getClass().getResourceAsStream("/io/github/geministreams/samples/prompts.yaml")) {
            Files.copy(sample, promptsFile);
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                "prompts.file", promptsFile.toString(),
                "embed.batch.size", "1",
                "gemini.embed.dimensions", "8",
                "punctuate.interval", "10ms",
                "state.dir", dir.resolve("state").toString()));
        settings.putAll(overrides);
        AppConfig config = ConfigLayers.defaults().withAll(settings).build();
        gemini = new FakeGeminiClient();
        gateway = new GeminiGateway(config, gemini);
        var props = config.streamsProperties();
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(PromptTopology.build(config, gateway), props);
        ByteArraySerializer serializer = new ByteArraySerializer();
        ByteArrayDeserializer deserializer = new ByteArrayDeserializer();
        prompts = driver.createInputTopic("prompts", serializer, serializer);
        responses = driver.createOutputTopic("responses", deserializer, deserializer);
        embeddings = driver.createOutputTopic("embeddings", deserializer, deserializer);
        deadLetters = driver.createOutputTopic("dead-letter", deserializer, deserializer);
    }

    private void send(String key, String value) {
        prompts.pipeInput(key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    private List<JsonNode> drain(TestOutputTopic<byte[], byte[]> topic, int expected) {
        List<JsonNode> values = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(TICK);
            for (TestRecord<byte[], byte[]> record : topic.readRecordsToList()) {
                values.add(Json.MAPPER.readTree(record.value()));
            }
            return values.size() >= expected;
        });
        return values;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    @Test
    void shouldAnswerATemplatedPromptWithTheRenderedTextAndDeadLetterABadOneAtParse() throws IOException {
        start(Map.of());
        String missingText = "{\"id\":\"t-2\",\"template\":\"ticket\",\"categories\":[\"bug\"]}";
        String unknown = "{\"id\":\"t-3\",\"template\":\"tickets\",\"text\":\"x\"}";
        send("t-1", "{\"id\":\"t-1\",\"template\":\"ticket\",\"categories\":[\"billing\",\"bug\",\"other\"],"
                + "\"text\":\"I was charged twice & <nobody> answers\"}");
        send("t-2", missingText);
        send("t-3", unknown);

        JsonNode response = drain(responses, 1).get(0);
        String rendered = "Classify this support ticket into one of billing, bug, other: I was charged twice & <nobody> answers";
        assertEquals("t-1", response.get("id").asText());
        assertEquals(rendered, response.get("prompt").asText());
        assertEquals("answer: " + rendered, response.get("text").asText(), "Gemini was sent the rendered text");
        assertFalse(response.has("truncated"));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(2, dead.size());
        assertArrayEquals(missingText.getBytes(UTF_8), dead.get(0).value());
        assertEquals("template 'ticket' needs field 'text', missing from the prompt",
                header(dead.get(0), DeadLetterHeaders.MESSAGE));
        assertEquals("unknown template 'tickets'; the prompts file has [ticket]", header(dead.get(1), DeadLetterHeaders.MESSAGE));
        for (TestRecord<byte[], byte[]> record : dead) {
            assertEquals("parse", header(record, DeadLetterHeaders.STAGE));
            assertEquals(InvalidPromptException.class.getName(), header(record, DeadLetterHeaders.EXCEPTION));
        }
        assertEquals(1, gemini.generateCalls(), "only the good prompt reached Gemini");
    }

    @Test
    void shouldDeadLetterAModelThatIsNotAllowedAtParse() throws IOException {
        start(Map.of());
        send("m-1", "{\"prompt\":\"hi\",\"model\":\"gemini-ultra-9000\"}");
        send("m-2", "{\"prompt\":\"hi\",\"model\":\"gemini-2.5-flash\"}");
        assertEquals("answer: hi", drain(responses, 1).get(0).get("text").asText());
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals("parse", header(dead.get(0), DeadLetterHeaders.STAGE));
        assertEquals("model 'gemini-ultra-9000' is not allowed; prompts may name [gemini-2.5-flash, gemini-embedding-001] "
                + "(gemini.models.allowed)", header(dead.get(0), DeadLetterHeaders.MESSAGE));
    }

    @Test
    void shouldDeadLetterAPromptOverTheLimitAtParse() throws IOException {
        start(Map.of("gemini.context.limits", "gemini-2.5-flash=3"));
        send("c-1", "thirteen char");
        assertTrue(responses.isEmpty());
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertEquals("parse", header(dead, DeadLetterHeaders.STAGE));
        assertEquals("prompt has ~4 tokens for generate; gemini-2.5-flash accepts 3 input tokens "
                + "(gemini.context.overflow=dead-letter)", header(dead, DeadLetterHeaders.MESSAGE));
        assertEquals(0, gemini.generateCalls());
    }

    @Test
    void shouldMarkBothOutputsOfATruncatedPrompt() throws IOException {
        start(Map.of("gemini.context.overflow", "truncate",
                "gemini.context.limits", "gemini-2.5-flash=3,gemini-embedding-001=3"));
        send("c-1", "{\"id\":\"c-1\",\"prompt\":\"twelve chars and more\",\"tasks\":[\"generate\",\"embed\"]}");
        JsonNode response = drain(responses, 1).get(0);
        JsonNode embedding = drain(embeddings, 1).get(0);
        assertEquals("twelve chars", response.get("prompt").asText());
        assertEquals("answer: twelve chars", response.get("text").asText());
        assertTrue(response.get("truncated").asBoolean());
        assertTrue(embedding.get("truncated").asBoolean());
        assertTrue(deadLetters.isEmpty());
    }
}

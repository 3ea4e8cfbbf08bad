package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.GenAiGeminiClient;
import io.github.geministreams.gemini.GenAiSettings;
import io.github.geministreams.prompt.InvalidPromptException;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
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
 * Multimodal prompts through the whole topology: parsed, kept in the pending store, sent by
 * the real SDK to the simulator (so the parts cross the wire), answered or dead-lettered.
 */
class PromptPartsTopologyTest {
    private static final Duration TICK = Duration.ofMillis(10);

    @TempDir
    Path stateDir;

    private GeminiSimulator simulator;
    private GenAiGeminiClient client;
    private GeminiGateway gateway;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> prompts;
    private TestOutputTopic<byte[], byte[]> responses;
    private TestOutputTopic<byte[], byte[]> embeddings;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        simulator = GeminiSimulator.start(SimulatorConfig.builder().build());
        AppConfig config = ConfigLayers.defaults().withAll(Map.of(
                "punctuate.interval", "10ms",
                "prompt.inline.data.max.bytes", "1024",
                "state.dir", stateDir.toString())).build();
        client = new GenAiGeminiClient(new GenAiSettings(simulator.config().apiKey(), simulator.baseUrl(), 8,
                Duration.ofSeconds(10), 1));
        gateway = new GeminiGateway(config, client);
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

    @AfterEach
    void close() {
        driver.close();
        gateway.close();
        client.close();
        simulator.close();
    }

    @Test
    void shouldAnswerAGeneratePromptWithAnImageAndAFile() throws Exception {
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        send("p1", """
                {"id":"p1","prompt":"What is in these?","parts":[
                  {"inlineData":{"mimeType":"image/png","data":"%s"}},
                  {"fileData":{"mimeType":"application/pdf","fileUri":"gs://bucket/report.pdf"}}]}"""
                .formatted(Base64.getEncoder().encodeToString(image)));
        JsonNode response = Json.MAPPER.readTree(drain(responses, 1).get(0).value());
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image), 0, 4);
        assertEquals("p1", response.get("id").asText());
        assertEquals("What is in these?\n[image/png, 12 bytes]\n[application/pdf, gs://bucket/report.pdf]",
                response.get("prompt").asText());
        assertEquals("Simulated answer to: What is in these? [image/png, 12 bytes, sha256 " + sha256 + "] "
                + "[application/pdf, gs://bucket/report.pdf]", response.get("text").asText());
        assertEquals(GeminiSimulator.tokens("What is in these?") + 2 * 258,
                response.get("usage").get("prompt").asLong());
        assertTrue(deadLetters.isEmpty());
    }

    @Test
    void shouldDeadLetterAnEmbedOfAnImagePromptAtParse() {
        String value = """
                {"id":"e1","prompt":"a cat","parts":[{"inlineData":{"mimeType":"image/png","data":"AQID"}}],
                 "tasks":["generate","embed"]}""";
        send("e1", value);
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(1, dead.size());
        assertArrayEquals(value.getBytes(UTF_8), dead.get(0).value());
        assertEquals("parse", header(dead.get(0), DeadLetterHeaders.STAGE));
        assertEquals(InvalidPromptException.class.getName(), header(dead.get(0), DeadLetterHeaders.EXCEPTION));
        assertEquals("embed takes text only; parts[0] is inlineData image/png",
                header(dead.get(0), DeadLetterHeaders.MESSAGE));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(responses.isEmpty() && embeddings.isEmpty(), "neither task of the prompt is run");
        assertEquals(0, simulator.counters().snapshot().generateRequests());
    }

    @Test
    void shouldDeadLetterInlineDataOverTheLimitAtParse() {
        String data = Base64.getEncoder().encodeToString(new byte[1025]);
        send("big", "{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + data + "\"}}]}");
        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertEquals("parse", header(dead, DeadLetterHeaders.STAGE));
        assertEquals("parts[0].inlineData.data is 1025 bytes decoded, over prompt.inline.data.max.bytes=1024",
                header(dead, DeadLetterHeaders.MESSAGE));
    }

    @Test
    void shouldEmbedTheJoinedTextOfTextParts() throws Exception {
        send("t1", "{\"id\":\"t1\",\"parts\":[{\"text\":\"one\"},{\"text\":\"two\"}],\"tasks\":[\"embed\"]}");
        JsonNode embedding = Json.MAPPER.readTree(drain(embeddings, 1).get(0).value());
        assertEquals("t1", embedding.get("id").asText());
        assertEquals(1, simulator.counters().snapshot().itemsEmbedded());
        assertTrue(deadLetters.isEmpty());
    }

    private void send(String key, String value) {
        prompts.pipeInput(key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    private List<TestRecord<byte[], byte[]>> drain(TestOutputTopic<byte[], byte[]> topic, int expected) {
        List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(TICK);
            records.addAll(topic.readRecordsToList());
            return records.size() >= expected;
        });
        return records;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}

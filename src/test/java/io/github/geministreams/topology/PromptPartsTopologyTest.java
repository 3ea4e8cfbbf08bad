package io.github.geministreams.topology;

import static io.github.geministreams.testing.RecordContents.header;
import static io.github.geministreams.topology.TopologyHarness.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.genai.GenAiGeminiClient;
import io.github.geministreams.gemini.genai.GenAiSettings;
import io.github.geministreams.prompt.InvalidPromptException;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.topology.output.DeadLetterHeaders;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Multimodal prompts through the whole topology: parsed, kept in the pending store, sent by
 * the real SDK to the simulator (so the parts cross the wire), answered or dead-lettered.
 */
class PromptPartsTopologyTest {
    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of("prompt.inline.data.max.bytes", "1024"));

    private GeminiSimulator simulator;
    private TopologyHarness pipeline;

    @BeforeEach
    void start() {
        simulator = GeminiSimulator.start(SimulatorConfig.builder().build());
        GenAiGeminiClient client = new GenAiGeminiClient(new GenAiSettings(simulator.config().apiKey(),
                simulator.baseUrl(), 8, Duration.ofSeconds(10), 1));
        pipeline = harnesses.start(Map.of(), client);
    }

    @AfterEach
    void closeSimulator() {
        simulator.close();
    }

    @Test
    void shouldAnswerAGeneratePromptWithAnImageAndAFile() throws Exception {
        byte[] image = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
        pipeline.send("p1", """
                {"id":"p1","prompt":"What is in these?","parts":[
                  {"inlineData":{"mimeType":"image/png","data":"%s"}},
                  {"fileData":{"mimeType":"application/pdf","fileUri":"gs://bucket/report.pdf"}}]}"""
                .formatted(Base64.getEncoder().encodeToString(image)));
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image), 0, 4);
        assertEquals("p1", response.get("id").asText());
        assertEquals("What is in these?\n[image/png, 12 bytes]\n[application/pdf, gs://bucket/report.pdf]",
                response.get("prompt").asText());
        assertEquals("Simulated answer to: What is in these? [image/png, 12 bytes, sha256 " + sha256 + "] "
                + "[application/pdf, gs://bucket/report.pdf]", response.get("text").asText());
        assertEquals(GeminiSimulator.tokens("What is in these?") + 2 * 258,
                response.get("usage").get("prompt").asLong());
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldDeadLetterAnEmbedOfAnImagePromptAtParse() {
        String value = """
                {"id":"e1","prompt":"a cat","parts":[{"inlineData":{"mimeType":"image/png","data":"AQID"}}],
                 "tasks":["generate","embed"]}""";
        pipeline.send("e1", value);
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        assertArrayEquals(value.getBytes(UTF_8), dead.get(0).value());
        assertEquals("parse", header(dead.get(0).headers(), DeadLetterHeaders.STAGE));
        assertEquals(InvalidPromptException.class.getName(),
                header(dead.get(0).headers(), DeadLetterHeaders.EXCEPTION));
        assertEquals("embed takes text only; parts[0] is inlineData image/png",
                header(dead.get(0).headers(), DeadLetterHeaders.MESSAGE));
        pipeline.driver().advanceWallClockTime(Duration.ofSeconds(1));
        assertTrue(pipeline.responses().isEmpty() && pipeline.embeddings().isEmpty(),
                "neither task of the prompt is run");
        assertEquals(0, simulator.counters().snapshot().generateRequests());
    }

    @Test
    void shouldDeadLetterInlineDataOverTheLimitAtParse() {
        String data = Base64.getEncoder().encodeToString(new byte[1025]);
        pipeline.send("big", "{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + data + "\"}}]}");
        TestRecord<byte[], byte[]> dead = pipeline.deadLetters().readRecord();
        assertEquals("parse", header(dead.headers(), DeadLetterHeaders.STAGE));
        assertEquals("parts[0].inlineData.data is 1025 bytes decoded, over prompt.inline.data.max.bytes=1024",
                header(dead.headers(), DeadLetterHeaders.MESSAGE));
    }

    @Test
    void shouldEmbedTheJoinedTextOfTextParts() throws Exception {
        pipeline.send("t1", "{\"id\":\"t1\",\"parts\":[{\"text\":\"one\"},{\"text\":\"two\"}],\"tasks\":[\"embed\"]}");
        JsonNode embedding = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertEquals("t1", embedding.get("id").asText());
        assertEquals(1, simulator.counters().snapshot().itemsEmbedded());
        assertTrue(pipeline.deadLetters().isEmpty());
    }
}

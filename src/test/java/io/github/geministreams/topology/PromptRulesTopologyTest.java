package io.github.geministreams.topology;

import static io.github.geministreams.testing.RecordContents.header;
import static io.github.geministreams.topology.TopologyHarness.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.prompt.InvalidPromptException;
import io.github.geministreams.testing.FakeGeminiClient;
import io.github.geministreams.topology.output.DeadLetterHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Templates, allowed models and the context guard in the real topology, with the shipped
 * sample prompts file and an in-memory Gemini fake that answers {@code "answer: " + prompt}.
 */
class PromptRulesTopologyTest {
    @TempDir
    Path dir;

    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of("embed.bundle.size", "1"));

    private TopologyHarness pipeline;
    private FakeGeminiClient gemini;

    private void start(Map<String, String> overrides) throws IOException {
        Path promptsFile = dir.resolve("prompts.yaml");
        try (InputStream sample = getClass().getResourceAsStream("/io/github/geministreams/samples/prompts.yaml")) {
            Files.copy(sample, promptsFile);
        }
        Map<String, String> settings = new HashMap<>(Map.of("prompts.file", promptsFile.toString()));
        settings.putAll(overrides);
        gemini = new FakeGeminiClient();
        pipeline = harnesses.start(settings, gemini);
    }

    @Test
    void shouldAnswerATemplatedPromptWithTheRenderedTextAndDeadLetterABadOneAtParse() throws IOException {
        start(Map.of());
        String missingText = "{\"id\":\"t-2\",\"template\":\"ticket\",\"categories\":[\"bug\"]}";
        String unknown = "{\"id\":\"t-3\",\"template\":\"tickets\",\"text\":\"x\"}";
        pipeline.send("t-1", "{\"id\":\"t-1\",\"template\":\"ticket\",\"categories\":[\"billing\",\"bug\",\"other\"],"
                + "\"text\":\"I was charged twice & <nobody> answers\"}");
        pipeline.send("t-2", missingText);
        pipeline.send("t-3", unknown);

        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        String rendered = "Classify this support ticket into one of billing, bug, other: I was charged twice & <nobody> answers";
        assertEquals("t-1", response.get("id").asText());
        assertEquals(rendered, response.get("prompt").asText());
        assertEquals("answer: " + rendered, response.get("text").asText(), "Gemini was sent the rendered text");
        assertFalse(response.has("truncated"));

        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(2, dead.size());
        assertArrayEquals(missingText.getBytes(UTF_8), dead.get(0).value());
        assertEquals("template 'ticket' needs field 'text', missing from the prompt",
                header(dead.get(0).headers(), DeadLetterHeaders.MESSAGE));
        assertEquals("unknown template 'tickets'; the prompts file has [ticket]",
                header(dead.get(1).headers(), DeadLetterHeaders.MESSAGE));
        for (TestRecord<byte[], byte[]> record : dead) {
            assertEquals("parse", header(record.headers(), DeadLetterHeaders.STAGE));
            assertEquals(InvalidPromptException.class.getName(), header(record.headers(), DeadLetterHeaders.EXCEPTION));
        }
        assertEquals(1, gemini.generateCalls(), "only the good prompt reached Gemini");
    }

    @Test
    void shouldDeadLetterAModelThatIsNotAllowedAtParse() throws IOException {
        start(Map.of());
        pipeline.send("m-1", "{\"prompt\":\"hi\",\"model\":\"gemini-ultra-9000\"}");
        pipeline.send("m-2", "{\"prompt\":\"hi\",\"model\":\"gemini-2.5-flash\"}");
        assertEquals("answer: hi", json(pipeline.drain(pipeline.responses(), 1).get(0)).get("text").asText());
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals("parse", header(dead.get(0).headers(), DeadLetterHeaders.STAGE));
        assertEquals("model 'gemini-ultra-9000' is not allowed; prompts may name [gemini-2.5-flash, gemini-embedding-001] "
                + "(gemini.models.allowed)", header(dead.get(0).headers(), DeadLetterHeaders.MESSAGE));
    }

    @Test
    void shouldDeadLetterAPromptOverTheLimitAtParse() throws IOException {
        start(Map.of("gemini.context.limits", "gemini-2.5-flash=3"));
        pipeline.send("c-1", "thirteen char");
        assertTrue(pipeline.responses().isEmpty());
        TestRecord<byte[], byte[]> dead = pipeline.deadLetters().readRecord();
        assertEquals("parse", header(dead.headers(), DeadLetterHeaders.STAGE));
        assertEquals("prompt has ~4 tokens for generate; gemini-2.5-flash accepts 3 input tokens "
                + "(gemini.context.overflow=dead-letter)", header(dead.headers(), DeadLetterHeaders.MESSAGE));
        assertEquals(0, gemini.generateCalls());
    }

    @Test
    void shouldMarkBothOutputsOfATruncatedPrompt() throws IOException {
        start(Map.of("gemini.context.overflow", "truncate",
                "gemini.context.limits", "gemini-2.5-flash=3,gemini-embedding-001=3"));
        pipeline.send("c-1", "{\"id\":\"c-1\",\"prompt\":\"twelve chars and more\",\"tasks\":[\"generate\",\"embed\"]}");
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        JsonNode embedding = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertEquals("twelve chars", response.get("prompt").asText());
        assertEquals("answer: twelve chars", response.get("text").asText());
        assertTrue(response.get("truncated").asBoolean());
        assertTrue(embedding.get("truncated").asBoolean());
        assertTrue(pipeline.deadLetters().isEmpty());
    }
}

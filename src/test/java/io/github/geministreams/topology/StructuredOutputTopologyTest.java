package io.github.geministreams.topology;

import static io.github.geministreams.testing.RecordContents.header;
import static io.github.geministreams.topology.TopologyHarness.FAST_RETRIES;
import static io.github.geministreams.topology.TopologyHarness.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.prompt.PromptCatalog;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topology.online.InvalidAnswerException;
import io.github.geministreams.topology.output.DeadLetterHeaders;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Structured output through the topology: a JSON answer is checked against the prompt's
 * schema, carried parsed in the response's {@code json}, asked for once more when it is
 * broken, and dead-lettered with stage {@code validate} when it is broken twice. Gemini is an
 * in-memory script of answer texts, answered on a thread of its own as the real client does.
 */
class StructuredOutputTopologyTest {
    private static final String CATALOG = """
            {"schemas": {"ticket-class": {"type": "object",
                                          "properties": {"category": {"type": "string"}, "confidence": {"type": "number"}},
                                          "required": ["category"]}}}""";
    private static final String TICKET = """
            {"id": "t-1", "prompt": "My invoice is wrong", "generation": {"schema": "ticket-class", "temperature": 0}}""";
    private static final String VALID = "{\"category\": \"billing\", \"confidence\": 0.9}";
    private static final String REFUSED = "<400>";

    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(FAST_RETRIES);

    private TopologyHarness pipeline;
    private ScriptedGemini gemini;

    /**
     * Answers generate calls with {@code texts} in order, the last one from then on; null is a
     * safety block, {@link #REFUSED} a 400.
     */
    private void start(String... texts) throws IOException {
        AppConfig config = harnesses.config(Map.of()).withPrompts(PromptCatalog.parse(Json.MAPPER.readTree(CATALOG)));
        gemini = new ScriptedGemini(Arrays.asList(texts));
        pipeline = harnesses.start(config, gemini);
    }

    @Test
    void shouldCarryTheParsedJsonOfAValidAnswer() throws IOException {
        start(VALID);
        pipeline.send("key", TICKET);
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> answered = pipeline.responses().readRecordsToList();
        assertEquals(1, answered.size());
        JsonNode response = json(answered.get(0));
        assertEquals(Json.MAPPER.readTree(VALID), response.get("json"));
        assertEquals(VALID, response.get("text").asText());
        assertEquals(1, response.get("attempts").asInt());
        assertEquals(1, gemini.calls());
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldAskOnceMoreAfterABrokenAnswerAndCountBothAttempts() throws IOException {
        start("Sure! The category is billing.", VALID);
        pipeline.send("key", TICKET);
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> answered = pipeline.responses().readRecordsToList();
        assertEquals(1, answered.size());
        JsonNode response = json(answered.get(0));
        assertEquals("billing", response.get("json").get("category").asText());
        assertEquals(2, response.get("attempts").asInt());
        assertEquals(2, gemini.calls());
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldDeadLetterAnAnswerThatIsNotJsonTwiceWithStageValidateAndNothingElse() throws IOException {
        start("Sure! The category is billing.");
        pipeline.send("key", TICKET);
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        TestRecord<byte[], byte[]> record = dead.get(0);
        assertArrayEquals("key".getBytes(UTF_8), record.key());
        assertArrayEquals(TICKET.getBytes(UTF_8), record.value());
        Headers headers = record.headers();
        assertEquals("validate", header(headers, DeadLetterHeaders.STAGE));
        assertEquals(InvalidAnswerException.class.getName(), header(headers, DeadLetterHeaders.EXCEPTION));
        assertTrue(header(headers, DeadLetterHeaders.MESSAGE).startsWith("the answer is not JSON: Unrecognized token 'Sure'"),
                header(headers, DeadLetterHeaders.MESSAGE));
        assertEquals("2", header(headers, DeadLetterHeaders.ATTEMPTS));
        assertEquals("false", header(headers, DeadLetterHeaders.RETRYABLE));
        assertEquals(2, gemini.calls(), "asked once more, not again and again");
        assertTrue(pipeline.responses().isEmpty());
        assertEquals(1, pipeline.counter("dead.lettered", "stage", "validate"));
    }

    @Test
    void shouldCountBothRequestsWhenTheSecondFails() throws IOException {
        start("not json", REFUSED);
        pipeline.send("key", TICKET);
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        Headers headers = dead.get(0).headers();
        assertEquals("generate", header(headers, DeadLetterHeaders.STAGE));
        assertEquals("400", header(headers, DeadLetterHeaders.HTTP_STATUS));
        assertEquals("2", header(headers, DeadLetterHeaders.ATTEMPTS));
        assertEquals(2, gemini.calls());
        assertTrue(pipeline.responses().isEmpty());
    }

    @Test
    void shouldDeadLetterAnAnswerThatDoesNotMatchTheSchemaWithTheValidatorsReason() throws IOException {
        start("{\"confidence\": \"high\"}");
        pipeline.send("key", TICKET);
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals("validate", header(dead.get(0).headers(), DeadLetterHeaders.STAGE));
        assertEquals("the answer does not match the schema 'ticket-class': /confidence: string found, number expected; "
                        + "/: required property 'category' not found",
                header(dead.get(0).headers(), DeadLetterHeaders.MESSAGE));
        assertTrue(pipeline.responses().isEmpty());
    }

    @Test
    void shouldCheckAnInlineSchemaAndWantNoMoreThanOneJsonValue() throws IOException {
        start("{\"n\": 1} {\"n\": 2}");
        pipeline.send("key", "{\"prompt\": \"count\", \"generation\": {\"responseJsonSchema\": {\"type\": \"object\"}}}");
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> dead = pipeline.deadLetters().readRecordsToList();
        assertEquals(1, dead.size());
        assertEquals("the answer is not JSON: content after the JSON value",
                header(dead.get(0).headers(), DeadLetterHeaders.MESSAGE));
    }

    @Test
    void shouldAnswerABlockedPromptThatAskedForJsonAsBlockedNotBroken() throws IOException {
        start((String) null);
        pipeline.send("key", TICKET);
        pipeline.settle();
        JsonNode response = json(pipeline.responses().readRecordsToList().get(0));
        assertTrue(response.get("blocked").asBoolean());
        assertFalse(response.has("json"));
        assertEquals(1, gemini.calls());
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldLeaveTextAnswersOfPromptsThatAskedForNoJsonUnchecked() throws IOException {
        start("Sure! The category is billing.");
        pipeline.send("key", "{\"prompt\": \"Classify my ticket\"}");
        pipeline.settle();
        JsonNode response = json(pipeline.responses().readRecordsToList().get(0));
        assertEquals("Sure! The category is billing.", response.get("text").asText());
        assertFalse(response.has("json"));
        assertEquals(1, gemini.calls());
    }

    /** Generate answers from a script; a null text is a safety block. Embeddings are not used here. */
    private static final class ScriptedGemini implements GeminiClient {
        private final ExecutorService answers = Executors.newSingleThreadExecutor();
        private final List<String> script;
        private final AtomicInteger calls = new AtomicInteger();

        ScriptedGemini(List<String> texts) {
            this.script = new ArrayList<>(texts);
        }

        int calls() {
            return calls.get();
        }

        @Override
        public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
            String text = script.get(Math.min(calls.getAndIncrement(), script.size() - 1));
            return CompletableFuture.supplyAsync(() -> {
                if (REFUSED.equals(text)) {
                    throw GeminiException.of(400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
                }
                return text == null
                    ? new GenerateResult(null, null, "SAFETY", "blocked", new TokenUsage(5, 0, 0, 5), request.model())
                    : new GenerateResult(text, "STOP", null, null, new TokenUsage(5, 7, 0, 12), request.model());
            }, answers);
        }

        @Override
        public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
            return CompletableFuture.failedFuture(new UnsupportedOperationException("no embeddings here"));
        }

        @Override
        public void close() {
            answers.shutdownNow();
        }
    }
}

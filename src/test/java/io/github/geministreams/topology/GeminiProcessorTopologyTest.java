package io.github.geministreams.topology;

import static io.github.geministreams.testing.RecordContents.header;
import static io.github.geministreams.topology.TopologyHarness.FAST_RETRIES;
import static io.github.geministreams.topology.TopologyHarness.TICK;
import static io.github.geministreams.topology.TopologyHarness.embedPrompt;
import static io.github.geministreams.topology.TopologyHarness.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.prompt.InvalidPromptException;
import io.github.geministreams.serde.Json;
import io.github.geministreams.testing.FakeGeminiClient;
import io.github.geministreams.topology.output.DeadLetterHeaders;
import io.micrometer.core.instrument.DistributionSummary;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The topology's wiring, batching, routing and recovery, with an in-memory Gemini fake.
 * Gemini answers arrive on the fake's own threads, as in production; the tests advance the
 * driver's wall clock by the punctuator's tick until the drained outputs appear.
 *
 * <p>"Nothing was sent" is checked on the stream thread, where a request is dispatched: the
 * processor takes a request permit and records the request's size in the same step, before
 * the call goes on to the rate limiter and the fake's threads ({@link #requestsDispatched}).
 */
class GeminiProcessorTopologyTest {
    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(FAST_RETRIES, Map.of(
            "embed.bundle.size", "4",
            "embed.bundle.max.wait", "1s"));

    private TopologyHarness pipeline;
    private FakeGeminiClient gemini;

    private void start(Map<String, String> overrides) {
        gemini = new FakeGeminiClient();
        pipeline = harnesses.start(overrides, gemini);
    }

    /**
     * Requests the processor has dispatched so far. Counted synchronously in
     * {@code TaskDispatcher.send}, on the stream thread, so it is exact right after a
     * {@code pipeInput} or a clock advance, unlike the fake's count, which its calls reach
     * later on other threads.
     */
    private long requestsDispatched() {
        return pipeline.services().metrics().registry().find("gemini.streams.bundle.size").summaries().stream()
                .mapToLong(DistributionSummary::count).sum();
    }

    @Test
    void shouldDispatchAFullEmbedBatchAtOnceAsOneRequest() throws IOException {
        start(Map.of("embed.bundle.max.wait", "1h"));
        for (int i = 0; i < 4; i++) {
            pipeline.send(null, embedPrompt("e" + i, "text " + i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.embedCalls() == 1);
        assertEquals(List.of("text 0", "text 1", "text 2", "text 3"), gemini.embedRequests().get(0).texts());
        assertEquals(4, pipeline.drain(pipeline.embeddings(), 4).size());
    }

    @Test
    void shouldNotDispatchAPartialBatchBeforeItsDeadline() {
        start(Map.of("embed.bundle.policy", "fixed"));
        pipeline.send(null, embedPrompt("e1", "one"));
        pipeline.send(null, embedPrompt("e2", "two"));
        pipeline.driver().advanceWallClockTime(Duration.ofMillis(990));
        assertEquals(0, requestsDispatched(), "nothing dispatched before the deadline");
        assertEquals(0, pipeline.services().pacing().inFlight(), "no request permit taken");
        pipeline.driver().advanceWallClockTime(TICK);
        assertEquals(1, requestsDispatched(), "the partial batch goes on the tick that reaches its deadline");
    }

    @Test
    void shouldFlushPartialBatchWhenDeadlinePasses() {
        start(Map.of("embed.bundle.policy", "fixed"));
        pipeline.send(null, embedPrompt("e1", "one"));
        pipeline.send(null, embedPrompt("e2", "two"));
        pipeline.driver().advanceWallClockTime(Duration.ofMillis(1000));
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.embedCalls() == 1);
        assertEquals(2, gemini.embedRequests().get(0).texts().size());
        assertEquals(2, pipeline.drain(pipeline.embeddings(), 2).size());
    }

    @Test
    void shouldSendASparseEmbedPromptOnTheNextTickWithTheAdaptivePolicy() {
        start(Map.of("embed.bundle.policy", "adaptive"));
        pipeline.send(null, embedPrompt("e1", "alone"));
        pipeline.driver().advanceWallClockTime(TICK);
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.embedCalls() == 1);
        assertEquals(List.of("alone"), gemini.embedRequests().get(0).texts());
    }

    @Test
    void shouldFillTheBatchOfABacklogUntilItsDeadlineWithTheAdaptivePolicy() {
        start(Map.of("embed.bundle.policy", "adaptive"));
        Instant aMinuteAgo = Instant.now().minus(Duration.ofMinutes(1));
        pipeline.prompts().pipeInput(new TestRecord<>(null, embedPrompt("e1", "old").getBytes(UTF_8), aMinuteAgo));
        pipeline.driver().advanceWallClockTime(Duration.ofMillis(990));
        assertEquals(0, requestsDispatched(), "a backlog item waits for its batch to fill until the deadline");
        pipeline.driver().advanceWallClockTime(TICK);
        assertEquals(1, requestsDispatched());
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.embedCalls() == 1);
    }

    @Test
    void shouldMatchEachEmbeddingToItsTextInBatchOrder() throws Exception {
        start(Map.of("embed.bundle.max.wait", "1h"));
        List<String> texts = List.of("alpha", "bravo", "charlie", "delta");
        for (int i = 0; i < texts.size(); i++) {
            pipeline.send(null, embedPrompt("id-" + texts.get(i), texts.get(i)));
        }
        List<TestRecord<byte[], byte[]>> records = pipeline.drain(pipeline.embeddings(), 4);
        try (FakeGeminiClient reference = new FakeGeminiClient()) {
            for (TestRecord<byte[], byte[]> record : records) {
                JsonNode value = json(record);
                String text = value.get("id").asText().substring("id-".length());
                float[] expected = reference.embed(new EmbedRequest("gemini-embedding-001", List.of(text), 8, null))
                        .get().vectors().get(0);
                float[] actual = Json.MAPPER.treeToValue(value.get("values"), float[].class);
                assertArrayEquals(expected, actual, "embedding of " + text);
                assertEquals(new String(record.key(), UTF_8), value.get("id").asText());
                assertEquals(8, value.get("dimensions").asInt());
            }
        }
    }

    @Test
    void shouldWriteBothOutputsForAPromptWithBothTasks() throws IOException {
        start(Map.of("embed.bundle.size", "1"));
        pipeline.send("k", "{\"id\":\"both\",\"prompt\":\"Hello there\",\"tasks\":[\"generate\",\"embed\"]}");
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        JsonNode embedding = json(pipeline.drain(pipeline.embeddings(), 1).get(0));
        assertEquals("both", response.get("id").asText());
        assertEquals("answer: Hello there", response.get("text").asText());
        assertEquals("STOP", response.get("finishReason").asText());
        assertEquals(1, response.get("attempts").asInt());
        assertEquals("prompts", response.get("source").get("topic").asText());
        assertEquals("both", embedding.get("id").asText());
        assertTrue(pipeline.deadLetters().isEmpty());
        assertPendingStoreEmpty();
    }

    @Test
    void shouldDeadLetterEachFailedTaskOnceAskingToReplayOnlyThatTask() throws IOException {
        start(Map.of("embed.bundle.size", "1", "tasks.default", "generate,embed"));
        gemini.failWhenTextContains("doomed", GeminiException.of(403, "PERMISSION_DENIED", "Permission denied"));
        pipeline.send("k1", "{\"id\":\"j\",\"prompt\":\"doomed\",\"tasks\":[\"generate\",\"embed\"],\"attributes\":{\"a\":1}}");
        pipeline.send("k2", "doomed plain text");
        List<TestRecord<byte[], byte[]>> dead = pipeline.drain(pipeline.deadLetters(), 4);
        Map<String, JsonNode> byStage = new HashMap<>();
        for (TestRecord<byte[], byte[]> record : dead) {
            JsonNode value = json(record);
            String stageAndId = header(record.headers(), DeadLetterHeaders.STAGE) + " " + value.get("id").asText();
            assertNull(byStage.put(stageAndId, value), "one dead letter per prompt and task: " + stageAndId);
        }
        assertEquals(Set.of("generate j", "embed j", "generate k2", "embed k2"), byStage.keySet());
        assertEquals("[\"generate\"]", byStage.get("generate j").get("tasks").toString());
        assertEquals("[\"embed\"]", byStage.get("embed j").get("tasks").toString());
        assertEquals(1, byStage.get("embed j").get("attributes").get("a").asInt(), "the other fields as they came");
        assertEquals("doomed plain text", byStage.get("embed k2").get("prompt").asText());
        assertEquals("[\"embed\"]", byStage.get("embed k2").get("tasks").toString());
        assertTrue(pipeline.responses().isEmpty() && pipeline.embeddings().isEmpty());
        assertPendingStoreEmpty();
    }

    @Test
    void shouldAnswerPlainTextPromptsWithTheDefaultTask() throws IOException {
        start(Map.of());
        pipeline.send("question-1", "What is a topic?");
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        assertEquals("question-1", response.get("id").asText());
        assertEquals("What is a topic?", response.get("prompt").asText());
        assertEquals("gemini-2.5-flash", response.get("model").asText());
    }

    @Test
    void shouldRouteEveryBadInputToDeadLetterWithItsOriginalBytesAndExactHeaders() {
        start(Map.of("prompt.max.bytes", "64"));
        byte[] invalidUtf8 = {'h', (byte) 0xC3, (byte) 0x28};
        Map<String, byte[]> bad = new LinkedHashMap<>();
        bad.put("null value", null);
        bad.put("empty or blank prompt", "   ".getBytes(UTF_8));
        bad.put("value is not valid UTF-8", invalidUtf8);
        bad.put("invalid JSON prompt object", "{\"prompt\": oops".getBytes(UTF_8));
        bad.put("has no 'prompt' field", "{\"id\":\"x\"}".getBytes(UTF_8));
        bad.put("field 'prompt' must be a string", "{\"prompt\":7}".getBytes(UTF_8));
        bad.put("unknown task", "{\"prompt\":\"a\",\"tasks\":[\"dance\"]}".getBytes(UTF_8));
        bad.put("exceeds prompt.max.bytes=64", "y".repeat(65).getBytes(UTF_8));
        int offset = 0;
        for (Map.Entry<String, byte[]> entry : bad.entrySet()) {
            pipeline.prompts().pipeInput(("key-" + offset).getBytes(UTF_8), entry.getValue());
            offset++;
        }
        List<TestRecord<byte[], byte[]>> records = pipeline.deadLetters().readRecordsToList();
        assertEquals(bad.size(), records.size());
        offset = 0;
        for (Map.Entry<String, byte[]> entry : bad.entrySet()) {
            TestRecord<byte[], byte[]> record = records.get(offset);
            Headers headers = record.headers();
            assertArrayEquals(("key-" + offset).getBytes(UTF_8), record.key());
            assertArrayEquals(entry.getValue(), record.value());
            assertEquals(InvalidPromptException.class.getName(), header(headers, DeadLetterHeaders.EXCEPTION));
            assertTrue(header(headers, DeadLetterHeaders.MESSAGE).contains(entry.getKey()),
                    () -> header(headers, DeadLetterHeaders.MESSAGE) + " should say " + entry.getKey());
            assertEquals("prompts", header(headers, DeadLetterHeaders.TOPIC));
            assertEquals("0", header(headers, DeadLetterHeaders.PARTITION));
            assertEquals(Integer.toString(offset), header(headers, DeadLetterHeaders.OFFSET));
            assertEquals("parse", header(headers, DeadLetterHeaders.STAGE));
            assertEquals("0", header(headers, DeadLetterHeaders.ATTEMPTS));
            assertEquals("false", header(headers, DeadLetterHeaders.RETRYABLE));
            assertNull(header(headers, DeadLetterHeaders.HTTP_STATUS));
            offset++;
        }
        assertEquals(0, requestsDispatched(), "bad input never reaches Gemini");
        assertPendingStoreEmpty();
        assertTrue(pipeline.responses().isEmpty());
        // The application keeps going: a good prompt after the bad ones is answered.
        pipeline.send(null, "still alive?");
        assertEquals(1, pipeline.drain(pipeline.responses(), 1).size());
        assertEquals(bad.size() + 1, pipeline.counter("prompts.in"));
        assertEquals(bad.size(), pipeline.counter("dead.lettered", "stage", "parse"));
        assertEquals(bad.size(), pipeline.counter("outputs", "topic", "dead-letter"));
        assertEquals(1, pipeline.counter("outputs", "topic", "responses"));
    }

    @Test
    void shouldDispatchNoMoreRequestsThanItHasPermits() {
        start(Map.of("max.in.flight", "1"));
        pipeline.send(null, "one");
        pipeline.send(null, "two");
        pipeline.send(null, "three");
        assertEquals(1, requestsDispatched(), "one permit: one request at a time");
        assertEquals(1, pipeline.services().pacing().inFlight());
        assertEquals(3, pipeline.drain(pipeline.responses(), 3).size());
        assertEquals(3, requestsDispatched(), "each of the others once its predecessor's permit came back");
    }

    @Test
    void shouldRetryARetryableFailureAndThenAnswer() throws IOException {
        start(Map.of());
        gemini.failNext(2, GeminiException.of(503, "UNAVAILABLE", "The model is overloaded."));
        pipeline.send(null, "retry me");
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        assertEquals(3, response.get("attempts").asInt());
        assertEquals(3, gemini.generateCalls());
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldDeadLetterWithTheAttemptCountWhenRetriesAreExhausted() {
        start(Map.of());
        gemini.failNext(10, GeminiException.of(500, "INTERNAL", "Internal error"));
        pipeline.send("k1", "doomed");
        TestRecord<byte[], byte[]> record = pipeline.drain(pipeline.deadLetters(), 1).get(0);
        assertArrayEquals("doomed".getBytes(UTF_8), record.value());
        assertEquals("generate", header(record.headers(), DeadLetterHeaders.STAGE));
        assertEquals("3", header(record.headers(), DeadLetterHeaders.ATTEMPTS));
        assertEquals("500", header(record.headers(), DeadLetterHeaders.HTTP_STATUS));
        assertEquals("true", header(record.headers(), DeadLetterHeaders.RETRYABLE));
        assertEquals(GeminiException.class.getName(), header(record.headers(), DeadLetterHeaders.EXCEPTION));
        assertEquals(3, gemini.generateCalls());
        assertTrue(pipeline.responses().isEmpty());
        assertPendingStoreEmpty();
    }

    @Test
    void shouldDeadLetterANonRetryableFailureAtOnce() {
        start(Map.of());
        gemini.failNext(1, GeminiException.of(403, "PERMISSION_DENIED", "Permission denied"));
        pipeline.send(null, "forbidden");
        TestRecord<byte[], byte[]> record = pipeline.drain(pipeline.deadLetters(), 1).get(0);
        assertEquals("1", header(record.headers(), DeadLetterHeaders.ATTEMPTS));
        assertEquals("403", header(record.headers(), DeadLetterHeaders.HTTP_STATUS));
        assertEquals("false", header(record.headers(), DeadLetterHeaders.RETRYABLE));
        assertEquals(1, gemini.generateCalls());
    }

    @Test
    void shouldIsolateThePoisonItemOfARejectedEmbedBatch() throws IOException {
        start(Map.of("embed.bundle.max.wait", "1h"));
        gemini.failWhenTextContains("POISON", GeminiException.of(400, "INVALID_ARGUMENT", "Invalid text"));
        pipeline.send(null, embedPrompt("a", "fine a"));
        pipeline.send(null, embedPrompt("b", "POISON b"));
        pipeline.send(null, embedPrompt("c", "fine c"));
        pipeline.send(null, embedPrompt("d", "fine d"));
        List<TestRecord<byte[], byte[]>> dead = pipeline.drain(pipeline.deadLetters(), 1);
        List<TestRecord<byte[], byte[]>> good = pipeline.drain(pipeline.embeddings(), 3);
        assertEquals(1, dead.size());
        assertEquals(embedPrompt("b", "POISON b"), new String(dead.get(0).value(), UTF_8));
        assertEquals("embed", header(dead.get(0).headers(), DeadLetterHeaders.STAGE));
        assertEquals("400", header(dead.get(0).headers(), DeadLetterHeaders.HTTP_STATUS));
        List<String> ids = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : good) {
            ids.add(json(record).get("id").asText());
        }
        assertEquals(List.of("a", "c", "d"), ids.stream().sorted().toList());
        // [a b c d] rejected, then [a b] rejected and [c d] answered, then [a] answered and [b] dead.
        assertEquals(5, requestsDispatched(), "each half sent once, nothing sent twice");
        assertEquals(1, pipeline.counter("dead.lettered", "stage", "embed"));
        assertEquals(1, pipeline.counter("outputs", "topic", "dead-letter"));
        assertEquals(3, pipeline.counter("outputs", "topic", "embeddings"));
        // No request open and nothing pending: no further output can come.
        assertEquals(0, pipeline.services().pacing().inFlight());
        assertPendingStoreEmpty();
        pipeline.driver().advanceWallClockTime(TICK);
        assertTrue(pipeline.embeddings().isEmpty() && pipeline.deadLetters().isEmpty(), "nothing written twice");
    }

    @Test
    void shouldAnswerASafetyBlockedPromptWithTheReasonNotAFailure() throws IOException {
        start(Map.of());
        gemini.blockWhenPromptContains("forbidden-topic");
        pipeline.send("s1", "tell me about forbidden-topic");
        JsonNode response = json(pipeline.drain(pipeline.responses(), 1).get(0));
        assertTrue(response.get("blocked").asBoolean());
        assertEquals("SAFETY", response.get("blockReason").asText());
        assertFalse(response.has("text"));
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldWriteAnswersAsTheyComeWithoutKeyOrdering() throws IOException {
        start(Map.of());
        gemini.holdWhenPromptContains("slow");
        sendKeyedPrompts();
        assertEquals(List.of("a2", "b1"), ids(pipeline.drain(pipeline.responses(), 2)).stream().sorted().toList(),
                "a2 is not held back by a1, the slow one before it");
        gemini.answerHeld();
        assertEquals(List.of("a1"), ids(pipeline.drain(pipeline.responses(), 1)));
    }

    @Test
    void shouldWriteTheOutputsOfAKeyInInputOrderWithKeyOrdering() throws IOException {
        start(Map.of("ordering", "key"));
        gemini.holdWhenPromptContains("slow");
        sendKeyedPrompts();
        assertEquals(List.of("b1"), ids(pipeline.drain(pipeline.responses(), 1)), "another key is not held back");
        for (int tick = 0; tick < 20; tick++) {
            pipeline.driver().advanceWallClockTime(TICK);
        }
        assertEquals(List.of(), pipeline.responses().readRecordsToList(), "a2 waits for a1");
        assertEquals(2, requestsDispatched(), "a2 is not even sent while a1 is at Gemini: a1 and b1 are");
        gemini.answerHeld();
        assertEquals(List.of("a1", "a2"), ids(pipeline.drain(pipeline.responses(), 2)));
        assertEquals(3, requestsDispatched());
    }

    /** Key customer-1: a slow prompt, then a fast one; key customer-2: a fast one. */
    private void sendKeyedPrompts() {
        pipeline.send("customer-1", "{\"id\":\"a1\",\"prompt\":\"slow first\"}");
        pipeline.send("customer-1", "{\"id\":\"a2\",\"prompt\":\"fast second\"}");
        pipeline.send("customer-2", "{\"id\":\"b1\",\"prompt\":\"fast other\"}");
    }

    private static List<String> ids(List<TestRecord<byte[], byte[]>> records) throws IOException {
        List<String> ids = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : records) {
            ids.add(json(record).get("id").asText());
        }
        return ids;
    }

    @Test
    void shouldWriteOneCompletionPerJobCountingFailedPromptsOnce() throws IOException {
        start(Map.of("embed.bundle.max.wait", "10ms"));
        gemini.failWhenTextContains("REJECTED", GeminiException.of(400, "INVALID_ARGUMENT", "Invalid text"));
        pipeline.send("a", "{\"id\":\"a\",\"prompt\":\"answer me\",\"tasks\":[\"generate\"],\"job\":\"j1\",\"jobSize\":4}");
        pipeline.send("b", "{\"id\":\"b\",\"prompt\":\"embed me\",\"tasks\":[\"embed\"],\"job\":\"j1\",\"jobSize\":4}");
        // Both tasks fail for this one (the embed text is rejected), yet it is one failed prompt.
        pipeline.send("c", "{\"id\":\"c\",\"prompt\":\"REJECTED\",\"tasks\":[\"generate\",\"embed\"],\"job\":\"j1\",\"jobSize\":4}");
        // Bad input that still names its job counts as failed instead of holding the job open.
        pipeline.send("d", "{\"id\":\"d\",\"prompt\":\"x\",\"tasks\":[\"summarize\"],\"job\":\"j1\",\"jobSize\":4}");
        pipeline.send("e", "{\"id\":\"e\",\"prompt\":\"another job\",\"tasks\":[\"generate\"],\"job\":\"j2\",\"jobSize\":2}");

        // Until every prompt is settled and no request is open: then no job event can follow.
        pipeline.settle();
        List<JsonNode> completions = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : pipeline.jobs().readRecordsToList()) {
            JsonNode job = json(record);
            if ("COMPLETED".equals(job.get("status").asText())) {
                completions.add(job);
            }
        }

        assertEquals(1, completions.size(), "one completion only");
        JsonNode j1 = completions.get(0);
        assertEquals("j1", j1.get("job").asText());
        assertEquals(4, j1.get("total").asLong());
        assertEquals(4, j1.get("done").asLong());
        assertEquals(2, j1.get("succeeded").asLong());
        assertEquals(2, j1.get("failed").asLong());
        assertEquals(j1.get("lastOutputTime").asLong() - j1.get("firstPromptTimestamp").asLong(),
                j1.get("elapsedMs").asLong());
    }

    private void assertPendingStoreEmpty() {
        assertTrue(pipeline.pendingStoreIsEmpty(), "pending store should be empty");
    }
}

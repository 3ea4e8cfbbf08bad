package io.github.geministreams.topology;

import static io.github.geministreams.testing.RecordContents.header;
import static io.github.geministreams.topology.TopologyHarness.json;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.simulator.DeterministicEmbedding;
import io.github.geministreams.testing.FakeBatchClient;
import io.github.geministreams.testing.FakeGeminiClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Batch mode through the whole topology: prompts with {@code "mode":"batch"} become Gemini
 * Batch API jobs (an in-memory fake), whose answers, failures and ends reach the same output
 * topics as online answers. Every prompt ends in exactly one place, and none is submitted twice.
 */
class BatchModeTopologyTest {
    private static final int DIMENSIONS = 8;

    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of(
            "gemini.batch.max.wait", "1s",
            "gemini.batch.poll.initial", "100ms",
            "gemini.batch.poll.max", "200ms",
            "gemini.request.timeout", "1s",
            "gemini.embed.dimensions", String.valueOf(DIMENSIONS)));

    private TopologyHarness pipeline;
    private FakeGeminiClient online;
    private FakeBatchClient batchApi;

    private void start(Map<String, String> overrides) {
        online = new FakeGeminiClient();
        batchApi = new FakeBatchClient();
        pipeline = harnesses.start(overrides, online, batchApi);
    }

    private static String batchPrompt(String id, String text, String tasks) {
        return "{\"id\":\"" + id + "\",\"prompt\":\"" + text + "\",\"tasks\":[" + tasks + "],\"mode\":\"batch\"}";
    }

    @Test
    void shouldAnswerBatchModePromptsFromOneJobPerTaskWithoutAnOnlineCall() throws IOException {
        start(Map.of());
        for (int i = 0; i < 3; i++) {
            pipeline.send("k" + i, batchPrompt("b" + i, "text " + i, "\"generate\",\"embed\""));
        }
        pipeline.send("o", "{\"id\":\"o\",\"prompt\":\"online\"}");
        advanceUntil(() -> batchApi.creates() == 2);
        List<TestRecord<byte[], byte[]>> onlineAnswer = pipeline.drain(pipeline.responses(), 1);
        assertEquals("online", json(onlineAnswer.get(0)).get("mode").asText(), "a prompt without mode is online");

        batchApi.succeedAll();
        List<TestRecord<byte[], byte[]>> responses = pipeline.drain(pipeline.responses(), 3);
        List<TestRecord<byte[], byte[]>> embeddings = pipeline.drain(pipeline.embeddings(), 3);
        pipeline.settle();

        assertEquals(3, responses.size());
        for (TestRecord<byte[], byte[]> record : responses) {
            JsonNode response = json(record);
            assertEquals("batch", response.get("mode").asText());
            assertEquals("batch answer: " + response.get("prompt").asText(), response.get("text").asText());
        }
        for (TestRecord<byte[], byte[]> record : embeddings) {
            JsonNode embedding = json(record);
            assertEquals("batch", embedding.get("mode").asText());
            String text = "text " + embedding.get("id").asText().substring(1);
            assertArrayEquals(DeterministicEmbedding.of(text, DIMENSIONS), floats(embedding.get("values")));
        }
        assertEquals(1, online.generateCalls(), "only the online prompt called Gemini online");
        assertEquals(0, online.embedCalls());
        assertEquals(2, batchApi.creates());
        assertEquals(6, batchApi.submitted());
        assertEquals(0, batchApi.submittedTwice());
        assertTrue(pipeline.deadLetters().isEmpty());
        List<String> states = batchJobStates();
        assertEquals(2, states.stream().filter("INTENT"::equals).count(), states.toString());
        assertEquals(2, states.stream().filter("SUCCEEDED"::equals).count(), states.toString());
    }

    @Test
    void shouldDeadLetterARequestThatFailedInsideASucceededJob() throws IOException {
        start(Map.of());
        batchApi.failRequestsContaining("broken");
        pipeline.send("a", batchPrompt("a", "fine", "\"generate\""));
        pipeline.send("b", batchPrompt("b", "broken", "\"generate\""));
        advanceUntil(() -> batchApi.creates() == 1);
        batchApi.succeedAll();

        List<TestRecord<byte[], byte[]>> responses = pipeline.drain(pipeline.responses(), 1);
        List<TestRecord<byte[], byte[]>> deadLetters = pipeline.drain(pipeline.deadLetters(), 1);
        pipeline.settle();

        assertEquals("a", json(responses.get(0)).get("id").asText());
        assertEquals("b", new String(deadLetters.get(0).key(), StandardCharsets.UTF_8));
        assertEquals("generate", header(deadLetters.get(0).headers(), "gemini-streams.stage"));
        assertTrue(header(deadLetters.get(0).headers(), "__streams.errors.message").contains("request failed inside the job"));
        assertEquals("400", header(deadLetters.get(0).headers(), "gemini-streams.http.status"));
    }

    @Test
    void shouldDeadLetterThePromptsOfAFailedJobWithItsStateAndError() {
        start(Map.of());
        pipeline.send("a", batchPrompt("a", "one", "\"embed\""));
        pipeline.send("b", batchPrompt("b", "two", "\"embed\""));
        advanceUntil(() -> batchApi.creates() == 1);
        batchApi.endAll(BatchJobState.EXPIRED, "not done in 48 hours");

        List<TestRecord<byte[], byte[]>> deadLetters = pipeline.drain(pipeline.deadLetters(), 2);
        pipeline.settle();

        for (TestRecord<byte[], byte[]> deadLetter : deadLetters) {
            String reason = header(deadLetter.headers(), "__streams.errors.message");
            assertTrue(reason.contains("ended EXPIRED: not done in 48 hours"), reason);
            assertEquals("embed", header(deadLetter.headers(), "gemini-streams.stage"));
        }
        assertTrue(pipeline.embeddings().isEmpty());
        assertEquals(0, online.embedCalls(), "not sent online: gemini.batch.on.failure=dead-letter");
    }

    @Test
    void shouldSendThePromptsOfAFailedJobOnlineWhenTheSettingSaysSo() throws IOException {
        start(Map.of("gemini.batch.on.failure", "online"));
        pipeline.send("a", batchPrompt("a", "one", "\"generate\""));
        pipeline.send("b", batchPrompt("b", "two", "\"generate\""));
        advanceUntil(() -> batchApi.creates() == 1);
        batchApi.endAll(BatchJobState.FAILED, "internal error");

        List<TestRecord<byte[], byte[]>> responses = pipeline.drain(pipeline.responses(), 2);
        pipeline.settle();

        for (TestRecord<byte[], byte[]> record : responses) {
            JsonNode response = json(record);
            assertEquals("online", response.get("mode").asText(), "answered online, at the online price");
            assertEquals("answer: " + response.get("prompt").asText(), response.get("text").asText());
        }
        assertEquals(2, online.generateCalls());
        assertTrue(pipeline.deadLetters().isEmpty());
    }

    @Test
    void shouldLookTheJobUpInsteadOfCreatingItAgainWhenTheCreateAnswerIsLost() throws IOException {
        start(Map.of());
        batchApi.loseNextCreateAnswer(GeminiException.of(503, "UNAVAILABLE", "connection reset"));
        pipeline.send("a", batchPrompt("a", "one", "\"generate\""));
        advanceUntil(() -> batchApi.lookups() == 1);
        batchApi.succeedAll();

        List<TestRecord<byte[], byte[]>> responses = pipeline.drain(pipeline.responses(), 1);
        pipeline.settle();

        assertEquals("a", json(responses.get(0)).get("id").asText());
        assertEquals(1, batchApi.creates(), "the job the lost answer created is resumed");
        assertEquals(0, batchApi.submittedTwice());
    }

    @Test
    void shouldCancelAJobStillRunningAtTheTimeoutAndDeadLetterItsPrompts() {
        start(Map.of("gemini.batch.timeout", "3s"));
        pipeline.send("a", batchPrompt("a", "one", "\"generate\""));
        advanceUntil(() -> batchApi.cancels() == 1);

        List<TestRecord<byte[], byte[]>> deadLetters = pipeline.drain(pipeline.deadLetters(), 1);
        pipeline.settle();

        assertTrue(header(deadLetters.get(0).headers(), "__streams.errors.message").contains("ended CANCELLED"));
        assertTrue(pipeline.responses().isEmpty());
    }

    @Test
    void shouldDeadLetterEveryPromptWhenTheBatchApiRefusesTheJob() {
        online = new FakeGeminiClient();
        // A services given no batch client refuses every job (as an API answering 400 would).
        pipeline = harnesses.start(Map.of(), online);
        pipeline.send("a", batchPrompt("a", "one", "\"generate\""));
        List<TestRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        advanceUntil(() -> deadLetters.addAll(pipeline.deadLetters().readRecordsToList()) || !deadLetters.isEmpty());
        pipeline.settle();

        assertEquals(1, deadLetters.size());
        String reason = header(deadLetters.get(0).headers(), "__streams.errors.message");
        assertTrue(reason.contains("refused to create the job") && reason.contains("no Gemini Batch API client"), reason);
    }

    /** Advances the wall clock, tick by tick, until {@code done}. */
    private void advanceUntil(BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            pipeline.driver().advanceWallClockTime(TopologyHarness.TICK.multipliedBy(10));
            return done.getAsBoolean();
        });
    }

    private List<String> batchJobStates() throws IOException {
        List<String> states = new ArrayList<>();
        for (TestRecord<byte[], byte[]> record : pipeline.batchJobs().readRecordsToList()) {
            states.add(json(record).get("state").asText());
        }
        return states;
    }

    private static float[] floats(JsonNode values) {
        float[] floats = new float[values.size()];
        for (int i = 0; i < floats.length; i++) {
            floats[i] = (float) values.get(i).asDouble();
        }
        return floats;
    }
}

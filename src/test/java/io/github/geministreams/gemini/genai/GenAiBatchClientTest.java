package io.github.geministreams.gemini.genai;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.gemini.BatchGenerateItem;
import io.github.geministreams.gemini.BatchItemResult;
import io.github.geministreams.gemini.BatchJob;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.simulator.DeterministicEmbedding;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatedBatchJobs;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.simulator.SimulatorCounters;
import io.github.geministreams.testing.Closer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Our Batch API client against the simulator's Batch API: real HTTP, real SDK. */
class GenAiBatchClientTest {
    private static final String MODEL = "gemini-2.5-flash";
    private static final String EMBED_MODEL = "gemini-embedding-001";
    /** Long enough that a job never finishes during a test that needs it unfinished. */
    private static final Duration NEVER = Duration.ofHours(1);
    private static final Duration QUICK = Duration.ofMillis(300);

    @RegisterExtension
    final Closer closer = new Closer();

    private GeminiSimulator simulator(SimulatorConfig.Builder config) {
        return closer.add(GeminiSimulator.start(config.build()));
    }

    private GenAiSettings settings(GeminiSimulator simulator) {
        return new GenAiSettings(simulator.config().apiKey(), simulator.baseUrl(), 4, Duration.ofSeconds(10), 2);
    }

    private GenAiBatchClient client(GeminiSimulator simulator) {
        return closer.add(new GenAiBatchClient(settings(simulator)));
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    /** Polls the job, as batch mode does, until it has finished. */
    private static BatchJob finished(GenAiBatchClient client, BatchJob created) {
        AtomicReference<BatchJob> last = new AtomicReference<>(created);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    last.set(done(client.get(created.name())));
                    return last.get().state().finished();
                });
        return last.get();
    }

    private static BatchGenerateItem item(String key, String prompt) {
        return new BatchGenerateItem(key, new GenerateRequest(MODEL, prompt, null));
    }

    @Test
    void shouldAnswerAGenerateJobAsOnlineInRequestOrderWithTheKeys() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(QUICK));
        GenAiBatchClient client = client(simulator);
        GenerateRequest withSystem = new GenerateRequest(MODEL, "Summarise Kafka", "Be brief.", null,
                new GenerationSettings(0.2, null, null, 64, null, null, null, null, null, null, null, null));
        List<BatchGenerateItem> items = List.of(item("p-1", "Hello batch"),
                new BatchGenerateItem("p-2", withSystem), item("p-3", "UNSAFE_TRIGGER here"));
        CompletableFuture<String> thread = new CompletableFuture<>();
        BatchJob created = client.createGenerate("task-0-1", MODEL, items)
                .whenComplete((job, failure) -> thread.complete(Thread.currentThread().getName()))
                .get(10, TimeUnit.SECONDS);
        assertTrue(thread.get(1, TimeUnit.SECONDS).startsWith("gemini-batch-callback-"), thread.get());
        assertEquals("task-0-1", created.displayName());
        assertTrue(created.name().startsWith("batches/"), created.name());
        assertFalse(created.state().finished(), created.state().toString());
        assertTrue(created.results().isEmpty());

        BatchJob job = finished(client, created);
        assertEquals(BatchJobState.SUCCEEDED, job.state());
        assertNull(job.error());
        assertEquals(List.of("p-1", "p-2", "p-3"), job.results().stream().map(BatchItemResult::key).toList());
        SimulatorCounters.Snapshot counters = simulator.counters().snapshot();
        assertEquals(0, counters.promptsGenerated(), "batch requests are not online calls");
        assertEquals(1, counters.requestsByPath().get("/v1beta/models/" + MODEL + ":batchGenerateContent"));
        assertTrue(counters.requestsByPath().get("/v1beta/" + created.name()) >= 1, counters.requestsByPath().toString());

        try (GenAiGeminiClient online = new GenAiGeminiClient(settings(simulator))) {
            for (int i = 0; i < items.size(); i++) {
                GenerateResult expected = done(online.generate(items.get(i).request()));
                GenerateResult actual = job.results().get(i).generated();
                assertNotNull(actual, "result " + i);
                assertNull(job.results().get(i).error());
                assertEquals(expected.text(), actual.text());
                assertEquals(expected.usage(), actual.usage());
                assertEquals(expected.finishReason(), actual.finishReason());
                assertEquals(expected.blockReason(), actual.blockReason());
            }
        }
        assertEquals("SAFETY", job.results().get(2).generated().blockReason());
    }

    @Test
    void shouldGoFromPendingThroughRunningToSucceeded() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(Duration.ofSeconds(2)));
        GenAiBatchClient client = client(simulator);
        BatchJob created = done(client.createGenerate("task-0-0", MODEL, List.of(item("a", "slowly"))));
        List<BatchJobState> seen = new ArrayList<>(List.of(created.state()));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
            BatchJobState state = done(client.get(created.name())).state();
            if (state != seen.get(seen.size() - 1)) {
                seen.add(state);
            }
            return state.finished();
        });
        assertEquals(List.of(BatchJobState.PENDING, BatchJobState.RUNNING, BatchJobState.SUCCEEDED), seen);
    }

    @Test
    void shouldEmbedInRequestOrderWithTheDeterministicVectors() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(QUICK));
        GenAiBatchClient client = client(simulator);
        List<String> texts = List.of("first text", "second text", "third text");
        BatchJob created = done(client.createEmbed("embed-0-1",
                new EmbedRequest(EMBED_MODEL, texts, 16, "RETRIEVAL_DOCUMENT")));
        assertEquals(1, simulator.counters().snapshot().requestsByPath()
                .get("/v1beta/models/" + EMBED_MODEL + ":asyncBatchEmbedContent"));

        BatchJob job = finished(client, created);
        assertEquals(BatchJobState.SUCCEEDED, job.state());
        assertEquals(texts.size(), job.results().size());
        for (int i = 0; i < texts.size(); i++) {
            assertNull(job.results().get(i).error());
            assertArrayEquals(DeterministicEmbedding.of(texts.get(i), 16), job.results().get(i).vector(), texts.get(i));
        }
    }

    @Test
    void shouldReportFailedRequestsInsideASucceededJob() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(QUICK));
        GenAiBatchClient client = client(simulator);
        BatchJob job = finished(client, done(client.createGenerate("task-0-2", MODEL, List.of(
                item("ok", "Fine"),
                item("broken", "x " + SimulatedBatchJobs.ITEM_FAILURE_TRIGGER),
                item("invalid", "y INVALID_TRIGGER")))));
        assertEquals(BatchJobState.SUCCEEDED, job.state());
        assertEquals("Simulated answer to: Fine", job.results().get(0).generated().text());

        BatchItemResult broken = job.results().get(1);
        assertEquals("broken", broken.key());
        assertNull(broken.generated());
        assertEquals(500, broken.error().httpStatus());
        assertEquals("INTERNAL", broken.error().status());
        assertTrue(broken.error().getMessage().contains(SimulatedBatchJobs.ITEM_FAILURE_TRIGGER), broken.error().getMessage());

        GeminiException invalid = job.results().get(2).error();
        assertEquals(400, invalid.httpStatus());
        assertEquals("INVALID_ARGUMENT", invalid.status());
        assertFalse(invalid.retryable());

        BatchJob embeds = finished(client, done(client.createEmbed("embed-0-2",
                new EmbedRequest(EMBED_MODEL, List.of("fine", SimulatedBatchJobs.ITEM_FAILURE_TRIGGER), 8, null))));
        assertEquals(8, embeds.results().get(0).vector().length);
        assertEquals("INTERNAL", embeds.results().get(1).error().status());
    }

    @Test
    void shouldEndAJobFailedWithoutResults() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(QUICK));
        GenAiBatchClient client = client(simulator);
        BatchJob job = finished(client, done(client.createGenerate("task-0-3", MODEL,
                List.of(item("a", "fine"), item("b", SimulatedBatchJobs.JOB_FAILURE_TRIGGER)))));
        assertEquals(BatchJobState.FAILED, job.state());
        assertTrue(job.results().isEmpty());
        assertTrue(job.error().contains(job.name()), job.error());
    }

    @Test
    void shouldExpireJobsWhenTheSimulatorIsToldTo() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(QUICK).batchExpireJobs(true));
        GenAiBatchClient client = client(simulator);
        BatchJob job = finished(client, done(client.createEmbed("embed-0-3",
                new EmbedRequest(EMBED_MODEL, List.of("late"), 0, null))));
        assertEquals(BatchJobState.EXPIRED, job.state());
        assertTrue(job.results().isEmpty());
        assertTrue(job.error().contains("expired"), job.error());

        simulator.updateConfig(simulator.config().toBuilder().batchExpireJobs(false).build());
        BatchJob triggered = finished(client, done(client.createGenerate("task-0-4", MODEL,
                List.of(item("a", SimulatedBatchJobs.JOB_EXPIRY_TRIGGER)))));
        assertEquals(BatchJobState.EXPIRED, triggered.state());
    }

    @Test
    void shouldCancelAJobThatHasNotFinished() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(NEVER));
        GenAiBatchClient client = client(simulator);
        BatchJob created = done(client.createGenerate("task-0-5", MODEL, List.of(item("a", "never answered"))));
        assertEquals(BatchJobState.PENDING, created.state());
        assertEquals(BatchJobState.PENDING, done(client.get(created.name())).state());

        done(client.cancel(created.name()));
        BatchJob cancelled = done(client.get(created.name()));
        assertEquals(BatchJobState.CANCELLED, cancelled.state());
        assertTrue(cancelled.results().isEmpty());
        assertEquals(1, simulator.counters().snapshot().batchCancels());
    }

    @Test
    void shouldFailTheFutureForAnUnknownJob() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        CompletableFuture<BatchJob> unknown = client(simulator).get("batches/no-such-job");
        GeminiException error = (GeminiException) Assertions.assertThrows(
                ExecutionException.class, () -> unknown.get(10, TimeUnit.SECONDS)).getCause();
        assertEquals(404, error.httpStatus());
    }

    @Test
    void shouldFindAJobByDisplayNameOnAnyPage() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(NEVER));
        GenAiBatchClient client = client(simulator);
        int jobs = 2 * SimulatedBatchJobs.DEFAULT_PAGE_SIZE + 5;
        List<BatchJob> created = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            created.add(done(client.createGenerate("task-1-" + i, MODEL, List.of(item("k" + i, "prompt " + i)))));
        }
        Optional<BatchJob> last = done(client.findByDisplayName("task-1-" + (jobs - 1)));
        assertTrue(last.isPresent());
        assertEquals(created.get(jobs - 1).name(), last.get().name());
        assertEquals(BatchJobState.PENDING, last.get().state());

        long listsBefore = simulator.counters().snapshot().batchLists();
        assertEquals(Optional.empty(), done(client.findByDisplayName("task-9-0")));
        assertEquals(3, simulator.counters().snapshot().batchLists() - listsBefore, "every page read");
        assertEquals(created.get(0).name(), done(client.findByDisplayName("task-1-0")).orElseThrow().name());
    }

    @Test
    void shouldCountARequestKeySubmittedInTwoJobs() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(NEVER));
        GenAiBatchClient client = client(simulator);
        done(client.createGenerate("task-2-0", MODEL, List.of(item("k1", "one"), item("k2", "two"))));
        assertEquals(0, simulator.counters().batchRequestsSubmittedTwice());
        done(client.createGenerate("task-2-1", MODEL, List.of(item("k2", "two"), item("k3", "three"))));
        done(client.createEmbed("embed-2-0", new EmbedRequest(EMBED_MODEL, List.of("text a"), 0, null)));
        done(client.createEmbed("embed-2-1", new EmbedRequest(EMBED_MODEL, List.of("text a", "text b"), 0, null)));

        SimulatorCounters.Snapshot counters = simulator.counters().snapshot();
        assertEquals(4, counters.batchJobsCreated());
        assertEquals(7, counters.batchRequestsSubmitted());
        assertEquals(2, counters.batchRequestsSubmittedTwice(), "k2, and the embed text 'text a'");
    }

    @Test
    void shouldIgnoreTheOnlineQuotasAndFaults() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().batchTurnaround(QUICK)
                .requestsPerMinute(1).rateLimitErrorRate(1.0).internalErrorRate(1.0).latency(Duration.ofSeconds(30)));
        GenAiBatchClient client = client(simulator);
        BatchJob job = finished(client, done(client.createGenerate("task-3-0", MODEL, List.of(item("a", "hi")))));
        assertEquals(BatchJobState.SUCCEEDED, job.state());
        assertEquals("Simulated answer to: hi", job.results().get(0).generated().text());
        assertEquals(0, simulator.counters().snapshot().total429s());
    }
}

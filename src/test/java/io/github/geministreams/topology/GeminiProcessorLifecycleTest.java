package io.github.geministreams.topology;

import static io.github.geministreams.topology.ProcessorContexts.BATCH_JOBS;
import static io.github.geministreams.topology.ProcessorContexts.COMMITTED_JOBS;
import static io.github.geministreams.topology.ProcessorContexts.STORE;
import static io.github.geministreams.topology.ProcessorContexts.addStores;
import static io.github.geministreams.topology.ProcessorContexts.count;
import static io.github.geministreams.topology.ProcessorContexts.processor;
import static io.github.geministreams.topology.ProcessorContexts.store;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.Mode;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.serde.JsonSerde;
import io.github.geministreams.testing.FakeBatchClient;
import io.github.geministreams.testing.HeldGemini;
import io.github.geministreams.topology.batchjob.BatchJobRecord;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.HandoverPublisher;
import io.github.geministreams.topology.store.PendingStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The processor's lifecycle as Kafka Streams drives it, one call at a time: {@code init}
 * again after {@code close} (a task revived or resumed), answers that arrive after
 * {@code close}, and the request permits through it all. Gemini answers when the test says.
 */
class GeminiProcessorLifecycleTest {
    private final HeldGemini gemini = new HeldGemini();
    private final AppConfig config = ConfigLayers.defaults().withAll(Map.of("punctuate.interval", "10ms")).build();
    private final InstanceServices services = new InstanceServices(config, gemini);
    private final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    private static final String HANDOVER = "gemini-handover";
    private final KeyValueStore<String, HandoverEntry> handoverStore =
            store(HANDOVER, new JsonSerde<>(HandoverEntry.class));
    private final KeyValueStore<String, PendingPrompt> store = store(STORE, new JsonSerde<>(PendingPrompt.class));
    private final KeyValueStore<String, BatchJobRecord> batchJobStore =
            store(BATCH_JOBS, new JsonSerde<>(BatchJobRecord.class));
    private final KeyValueStore<String, BatchJobRecord> committedJobs =
            store(COMMITTED_JOBS, new JsonSerde<>(BatchJobRecord.class));
    private long offset;

    GeminiProcessorLifecycleTest() {
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        addStores(context, List.of(store, handoverStore, batchJobStore, committedJobs));
    }

    @AfterEach
    void close() {
        services.close();
    }

    @Test
    void shouldAnswerEveryPromptOnceWhenInitialisedAgainAfterClose() {
        GeminiProcessor processor = callingGeminiWithA(null);
        processor.close();
        gemini.answerAll();
        assertEquals(0, services.pacing().inFlight(), "the answer that came after close gave its permit back, once");

        processor.init(context);
        processor.process(prompt("b"));
        // a (still pending: its answer was never forwarded) and b are sent
        awaitCalls(3);
        gemini.answerAll();
        punctuate();

        assertEquals(List.of(), outputsTo("dead-letter"), "nothing is dead-lettered");
        List<String> answered = outputsTo("responses").stream().map(value -> value.contains("answer to a") ? "a" : "b").sorted().toList();
        assertEquals(List.of("a", "b"), answered, "one response each");
        assertEquals(0, services.pacing().inFlight());
        assertEquals(0, count(store), "nothing left pending");
    }

    @Test
    void shouldKeepAKeysOrderWhenInitialisedAgainAfterClose() {
        AppConfig ordered = ConfigLayers.defaults().withAll(Map.of("punctuate.interval", "10ms", "ordering", "key")).build();
        try (InstanceServices orderedServices = new InstanceServices(ordered, gemini)) {
            GeminiProcessor processor = initialised(ordered, orderedServices, null);
            processor.process(prompt("first", "customer-1"));
            processor.process(prompt("second", "customer-1"));
            awaitCalls(1);
            processor.close();

            // A new incarnation (the task revived, or moved here) resumes from the store, in offset order.
            processor.init(context);
            punctuate();
            awaitCalls(2);
            assertEquals(List.of("first", "first"), gemini.prompts(), "second still waits for first, also after the close");
            gemini.answerAll();
            punctuateUntil(() -> gemini.calls.size() == 3);
            assertEquals(List.of("first", "first", "second"), gemini.prompts(), "second is sent once first is answered");
            gemini.answerAll();
            punctuateUntil(() -> outputsTo("responses").size() == 2);
            List<String> responses = outputsTo("responses");
            assertTrue(responses.get(0).contains("answer to first") && responses.get(1).contains("answer to second"),
                    "the key's responses in its input order: " + responses);
            processor.close();
        }
    }

    @Test
    void shouldKeepAPermitUntilACallSentBeforeCloseIsAnswered() {
        GeminiProcessor processor = callingGeminiWithA(null);
        processor.close();
        assertEquals(1, services.pacing().inFlight(), "the HTTP call still runs: its permit is still taken");
        gemini.answerAll();
        assertEquals(0, services.pacing().inFlight());
        assertEquals(List.of(), context.forwarded(), "a closed task forwards nothing");
        assertEquals(1, count(store), "the prompt stays pending for the next owner");
    }

    @Test
    void shouldForwardTheAnswerThePreviousOwnerHandedOverInsteadOfCallingAgain() {
        RecordingHandover handover = new RecordingHandover();
        services.handOverTo(handover);
        GeminiProcessor previousOwner = callingGeminiWithA(HANDOVER);
        previousOwner.close();
        String key = HandoverEntry.key(PendingStore.keyOf(new SourceCoordinates("prompts", 0, 0, 0)), Task.GENERATE);
        assertEquals(List.of(key), handover.keys(), "the call at Gemini is announced as open");
        assertTrue(handover.entries.get(0).open());
        gemini.answerAll();
        assertEquals(List.of(key, key), handover.keys(), "its answer follows");
        assertTrue(handover.entries.get(1).answered());

        handover.copyTo(handoverStore);
        GeminiProcessor nextOwner = initialised(HANDOVER);
        punctuate();

        assertEquals(1, gemini.calls.size(), "no second call");
        assertEquals(1, services.metrics().registry().get("gemini.streams.handover.answers.used").tag("task", "generate")
                .counter().count());
        List<String> responses = outputsTo("responses");
        assertEquals(1, responses.size());
        assertTrue(responses.get(0).contains("answer to a"), responses.get(0));
        List<CapturedForward<? extends byte[], ? extends byte[]>> deletes = forwardsTo("handover");
        assertEquals(1, deletes.size(), "the used entry is deleted with the output");
        assertEquals(key, new String(deletes.get(0).record().key(), UTF_8));
        assertEquals(null, deletes.get(0).record().value());
        assertEquals(0, count(store));
    }

    @Test
    void shouldWaitForACallThePreviousOwnerStillHasOpenThenCallWhenItsTimeIsUp() {
        String key = HandoverEntry.key(PendingStore.keyOf(new SourceCoordinates("prompts", 0, 0, 0)), Task.GENERATE);
        store.put(PendingStore.keyOf(new SourceCoordinates("prompts", 0, 0, 0)), prompt("a").value());
        offset = 0;
        long now = System.currentTimeMillis();
        handoverStore.put(key, HandoverEntry.open(now + 60_000));
        GeminiProcessor nextOwner = initialised(HANDOVER);
        punctuateAt(now);
        assertEquals(0, gemini.calls.size(), "the previous owner's answer may still come");
        punctuateAt(now + 60_000);
        awaitCalls(1);
        gemini.answerAll();
        punctuateUntil(() -> now + 60_000, () -> outputsTo("responses").size() == 1);
        assertEquals(1, forwardsTo("handover").size(), "the stale entry is deleted with the output");
    }

    @Test
    void shouldHoldItsTasksShareOfTheQuotaFromInitUntilClose() {
        services.pacing().promptPartitions(4);
        assertEquals(0.0, quotaShare(), 1e-9, "no task open here: no share");
        GeminiProcessor processor = initialised(null);
        assertEquals(0.25, quotaShare(), 1e-9, "one of four partitions");
        processor.close();
        assertEquals(0.0, quotaShare(), 1e-9);
        assertTrue(context.scheduledPunctuators().get(0).cancelled(), "its punctuator is cancelled");
    }

    @Test
    void shouldHandOverAnAnswerThatCameButWasNotForwardedBeforeClose() {
        RecordingHandover handover = new RecordingHandover();
        services.handOverTo(handover);
        GeminiProcessor processor = callingGeminiWithA(HANDOVER);
        gemini.answerAll();
        assertEquals(1, services.pacing().inFlight(), "answered, not yet drained by the punctuator");
        processor.close();
        assertEquals(0, services.pacing().inFlight(), "the permit of an answer handed over at close is given back");
        String key = HandoverEntry.key(PendingStore.keyOf(new SourceCoordinates("prompts", 0, 0, 0)), Task.GENERATE);
        assertEquals(List.of(key), handover.keys(), "the answer is handed over, and no open entry is announced");
        assertTrue(handover.entries.get(0).answered());
        assertEquals("answer to a", handover.entries.get(0).generated().text());
        assertEquals(List.of(), context.forwarded(), "a closed task forwards nothing");
    }

    @Test
    void shouldAnnounceAnOpenCallUntilARequestTimeoutFromTheClose() {
        RecordingHandover handover = new RecordingHandover();
        services.handOverTo(handover);
        GeminiProcessor processor = callingGeminiWithA(HANDOVER);
        long before = System.currentTimeMillis();
        processor.close();
        long after = System.currentTimeMillis();
        long timeout = config.gemini().requestTimeout().toMillis();
        long until = handover.entries.get(0).untilMillis();
        assertTrue(until >= before + timeout && until <= after + timeout,
                until + " is not a request timeout (" + timeout + " ms) after the close at " + before + ".." + after);
        gemini.answerAll();
    }

    @Test
    void shouldCreateABatchJobOnlyOnceItsIntentIsReadBackCommitted() {
        try (BatchMode batch = new BatchMode()) {
            GeminiProcessor processor = batch.processorThatRead("a", "b");
            long now = System.currentTimeMillis();
            punctuateAt(now + 1_000);
            List<String> intents = outputsTo("batch-jobs");
            assertEquals(1, intents.size(), "one intent for both prompts");
            assertTrue(intents.get(0).contains("\"state\":\"INTENT\""), intents.get(0));
            punctuateAt(now + 1_010);
            punctuateAt(now + 5_000);
            assertEquals(0, batch.api.creates(), "not created while its intent has not been read back");

            commitBatchJobs();
            punctuateUntil(() -> now + 5_000, () -> batch.api.creates() == 1);
            assertEquals(0, batch.api.lookups(), "a fresh intent needs no lookup");
            assertEquals(2, batch.api.submitted());
            assertEquals(0, gemini.calls.size(), "no online call");
            processor.close();
        }
    }

    @Test
    void shouldResumeAJobAfterARestartWithoutSubmittingItsPromptsAgain() {
        try (BatchMode batch = new BatchMode()) {
            GeminiProcessor first = batch.processorThatRead("a", "b");
            long now = System.currentTimeMillis();
            punctuateAt(now + 1_000);
            commitBatchJobs();
            punctuateUntil(() -> now + 1_000, () -> batch.api.creates() == 1);
            // The intent (and maybe the job's name) is in the store: a crash now, then a new incarnation.
            first.close();

            GeminiProcessor second = batch.processor();
            // The wall clock moves on by 100 ms a punctuation, past the lookup delay and the polls' backoff.
            AtomicLong clock = new AtomicLong(now + 2_000);
            // Resumed: its intent looked up and adopted, or, when the create's answer came before the crash, polled.
            punctuateUntil(() -> clock.addAndGet(100), () -> {
                List<String> records = outputsTo("batch-jobs");
                return !records.get(records.size() - 1).contains("\"INTENT\"");
            });
            batch.api.succeedAll();
            punctuateUntil(() -> clock.addAndGet(100), () -> outputsTo("responses").size() == 2);

            assertEquals(1, batch.api.creates(), "the job is resumed, not created again");
            assertEquals(0, batch.api.submittedTwice());
            List<String> responses = outputsTo("responses");
            assertTrue(responses.stream().allMatch(value -> value.contains("\"mode\":\"batch\"")), responses.toString());
            assertEquals(0, count(store), "nothing left pending");
            assertEquals(0, count(batchJobStore), "the job's record is deleted with its outputs");
            second.close();
        }
    }

    /** Batch mode: services of its own on a batch config and a fake Batch API, processors on the test's context. */
    private final class BatchMode implements AutoCloseable {
        final AppConfig config = ConfigLayers.defaults().withAll(Map.of("punctuate.interval", "10ms",
                "gemini.batch.max.wait", "1s", "gemini.batch.poll.initial", "100ms",
                "gemini.request.timeout", "1s")).build();
        final FakeBatchClient api = new FakeBatchClient();
        final InstanceServices services = new InstanceServices(config, gemini);

        BatchMode() {
            services.useBatchClient(api);
        }

        /** A processor initialised on the test's context, as a new incarnation of the task. */
        GeminiProcessor processor() {
            return initialised(config, services, null);
        }

        /** A processor initialised on the test's context that has read a batch-mode prompt of each of {@code texts}. */
        GeminiProcessor processorThatRead(String... texts) {
            GeminiProcessor processor = processor();
            for (String text : texts) {
                processor.process(batchPrompt(text));
            }
            return processor;
        }

        @Override
        public void close() {
            services.close();
        }
    }

    /** What the batch-jobs global store reads once the transaction commits: the last record of each job. */
    private void commitBatchJobs() {
        for (String value : outputsTo("batch-jobs")) {
            BatchJobRecord record = Json.fromBytes(value.getBytes(UTF_8),
                    BatchJobRecord.class);
            committedJobs.put(record.displayName(), record);
        }
    }

    /** A batch-mode generate prompt read at the next offset. */
    private Record<String, PendingPrompt> batchPrompt(String text) {
        SourceCoordinates source = new SourceCoordinates("prompts", 0, offset++, System.currentTimeMillis());
        PromptRequest request = new PromptRequest(text, text, Set.of(Task.GENERATE), null, null, null, null, null)
                .withMode(Mode.BATCH);
        PendingPrompt pending = PendingPrompt.received(request, source, text.getBytes(UTF_8), text.getBytes(UTF_8));
        return new Record<>(PendingStore.keyOf(source), pending, source.timestamp());
    }

    private double quotaShare() {
        return services.metrics().registry().get("gemini.streams.rate.limit.share").gauge().value();
    }

    /**
     * A processor of {@code config} on {@code services}, initialised on the test's context as Kafka
     * Streams does when it assigns the task; {@code handover} names its handover store (null: none).
     */
    private GeminiProcessor initialised(AppConfig config, InstanceServices services, String handover) {
        GeminiProcessor processor = processor(config, services, handover, null);
        processor.init(context);
        return processor;
    }

    /** A processor on the test's own config and services, initialised on its context. */
    private GeminiProcessor initialised(String handover) {
        return initialised(config, services, handover);
    }

    /** As {@link #initialised(String)}, once it has read prompt "a" and its call has reached Gemini. */
    private GeminiProcessor callingGeminiWithA(String handover) {
        GeminiProcessor processor = initialised(handover);
        processor.process(prompt("a"));
        awaitCalls(1);
        return processor;
    }

    /** Calls leave on the client's scheduler thread: wait for them to reach Gemini. */
    private void awaitCalls(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.calls.size() >= count);
        assertEquals(count, gemini.calls.size());
    }

    private void punctuate() {
        punctuateAt(System.currentTimeMillis());
    }

    /** Punctuates now, again and again, until {@code done}: answers reach the stream thread on the punctuator. */
    private void punctuateUntil(BooleanSupplier done) {
        punctuateUntil(System::currentTimeMillis, done);
    }

    /** Punctuates at the time {@code clock} says, again and again, until {@code done}. */
    private void punctuateUntil(LongSupplier clock, BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            punctuateAt(clock.getAsLong());
            return done.getAsBoolean();
        });
    }

    private void punctuateAt(long wallClockMillis) {
        ProcessorContexts.punctuateAt(context, wallClockMillis);
    }

    private List<CapturedForward<? extends byte[], ? extends byte[]>> forwardsTo(String sink) {
        return ProcessorContexts.forwardsTo(context, sink);
    }

    private List<String> outputsTo(String sink) {
        return ProcessorContexts.outputsTo(context, sink);
    }

    private Record<String, PendingPrompt> prompt(String text) {
        return prompt(text, text);
    }

    /** A generate prompt read at the next offset, with record key {@code key}. */
    private Record<String, PendingPrompt> prompt(String text, String key) {
        SourceCoordinates source = new SourceCoordinates("prompts", 0, offset++, System.currentTimeMillis());
        PromptRequest request = new PromptRequest(text, text, Set.of(Task.GENERATE), null, null, null, null, null);
        PendingPrompt pending = PendingPrompt.received(request, source, key.getBytes(UTF_8), text.getBytes(UTF_8));
        return new Record<>(PendingStore.keyOf(source), pending, source.timestamp());
    }

    /** What closed tasks hand over, in order. */
    private static final class RecordingHandover implements HandoverPublisher {
        final List<String> keys = new CopyOnWriteArrayList<>();
        final List<HandoverEntry> entries = new CopyOnWriteArrayList<>();

        @Override
        public void publish(String key, HandoverEntry entry) {
            keys.add(key);
            entries.add(entry);
        }

        List<String> keys() {
            return List.copyOf(keys);
        }

        /** What the handover topic would hold once compacted: the last entry per key. */
        void copyTo(KeyValueStore<String, HandoverEntry> store) {
            for (int i = 0; i < keys.size(); i++) {
                store.put(keys.get(i), entries.get(i));
            }
        }

        @Override
        public void close() {
        }
    }
}

package io.github.geministreams.topology;

import static io.github.geministreams.topology.ProcessorContexts.BATCH_JOBS;
import static io.github.geministreams.topology.ProcessorContexts.COMMITTED_JOBS;
import static io.github.geministreams.topology.ProcessorContexts.STORE;
import static io.github.geministreams.topology.ProcessorContexts.addStores;
import static io.github.geministreams.topology.ProcessorContexts.forwardsTo;
import static io.github.geministreams.topology.ProcessorContexts.processor;
import static io.github.geministreams.topology.ProcessorContexts.store;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.serde.JsonSerde;
import io.github.geministreams.testing.HeldGemini;
import io.github.geministreams.topology.batchjob.BatchJobRecord;
import io.github.geministreams.topology.cache.HeldRepeats;
import io.github.geministreams.topology.store.PendingStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Repeats across two tasks of one instance (two processors sharing a {@link InstanceServices}),
 * driven one call at a time: task A has the first copy of a generate request at Gemini, task
 * B reads the same request and waits for A's answer instead of calling; and what happens to
 * B's repeat when A closes, when B closes and is initialised again, and when A takes longer
 * than {@link HeldRepeats#LONGEST_REPEAT_WAIT_MILLIS}. Gemini answers when the test says.
 */
class HeldRepeatsLifecycleTest {
    private static final String CACHE = "gemini-cache";

    private final HeldGemini gemini = new HeldGemini();
    private final AppConfig config = ConfigLayers.defaults().withAll(Map.of("punctuate.interval", "10ms",
            "cache.generate.enabled", "true", "gemini.request.timeout", "5s")).build();
    private final InstanceServices services = new InstanceServices(config, gemini);
    private final TaskUnderTest a = new TaskUnderTest(0);
    private final TaskUnderTest b = new TaskUnderTest(1);

    @AfterEach
    void close() {
        services.close();
    }

    /** One task: its context, stores and processor. */
    private final class TaskUnderTest {
        final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
        final KeyValueStore<String, PendingPrompt> store = store(STORE, new JsonSerde<>(PendingPrompt.class));
        final int partition;
        GeminiProcessor processor;

        TaskUnderTest(int partition) {
            this.partition = partition;
            context.setCurrentSystemTimeMs(System.currentTimeMillis());
            addStores(context, List.of(store, store(CACHE, Serdes.ByteArray()),
                    store(BATCH_JOBS, new JsonSerde<>(BatchJobRecord.class)),
                    store(COMMITTED_JOBS, new JsonSerde<>(BatchJobRecord.class))));
        }

        /** Initialises the task's processor, again after a close as Kafka Streams may. */
        void init() {
            if (processor == null) {
                processor = processor(config, services, null, CACHE);
            }
            processor.init(context);
        }

        /** A generate prompt with {@code text}, at this task's partition and {@code offset}. */
        void process(String id, String text, long offset) {
            SourceCoordinates source = new SourceCoordinates("prompts", partition, offset, System.currentTimeMillis());
            PromptRequest request = new PromptRequest(id, text, Set.of(Task.GENERATE), null, null, null, null, null);
            PendingPrompt pending = PendingPrompt.received(request, source, null, text.getBytes(UTF_8));
            processor.process(new Record<>(PendingStore.keyOf(source), pending, source.timestamp()));
        }

        void punctuateAt(long wallClockMillis) {
            ProcessorContexts.punctuateAt(context, wallClockMillis);
        }

        void punctuate() {
            punctuateAt(System.currentTimeMillis());
        }

        void punctuateUntil(BooleanSupplier done) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                punctuate();
                return done.getAsBoolean();
            });
        }

        List<JsonNode> responses() throws IOException {
            List<JsonNode> values = new ArrayList<>();
            for (CapturedForward<? extends byte[], ? extends byte[]> forward : forwardsTo(context, "responses")) {
                values.add(Json.MAPPER.readTree(forward.record().value()));
            }
            return values;
        }

        int responseCount() {
            return forwardsTo(context, "responses").size();
        }

        boolean nothingPending() {
            try (var entries = store.all()) {
                return !entries.hasNext();
            }
        }
    }

    /** Both tasks initialised; A sends "hello" to Gemini, then B reads the same text while A's call is open. */
    private void readARepeatInBWhileTheFirstCopyIsAtGemini() {
        a.init();
        b.init();
        a.process("first", "hello", 0);
        awaitCalls(1);
        b.process("repeat", "hello", 0);
    }

    private void awaitCalls(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.calls.size() >= count);
        assertEquals(count, gemini.calls.size());
    }

    @Test
    void shouldAnswerARepeatInAnotherTaskWithTheFirstCopysAnswer() throws IOException {
        readARepeatInBWhileTheFirstCopyIsAtGemini();
        b.punctuate();
        // Dispatch takes a permit on the stream thread: one permit taken means one request.
        assertEquals(1, services.pacing().inFlight(), "the repeat waits for the first copy");
        assertEquals(1, services.openCacheKeys().size());

        gemini.answerAll();
        a.punctuateUntil(() -> a.responseCount() == 1);
        b.punctuate();
        List<JsonNode> repeats = b.responses();
        assertEquals(1, repeats.size());
        assertEquals("repeat", repeats.get(0).get("id").asText());
        assertTrue(repeats.get(0).get("cached").asBoolean(), repeats.get(0).toString());
        assertEquals("answer to hello", repeats.get(0).get("text").asText());
        assertEquals(0, repeats.get(0).get("attempts").asInt());
        assertFalse(a.responses().get(0).has("cached"));
        assertEquals(1, gemini.calls.size());
        assertTrue(b.nothingPending());
        a.processor.close();
        b.processor.close();
        assertEquals(0, services.openCacheKeys().size(), "closed tasks leave no flight behind");
    }

    @Test
    void shouldSendTheRepeatItselfWhenTheFirstCopysTaskCloses() throws IOException {
        readARepeatInBWhileTheFirstCopyIsAtGemini();
        a.processor.close();

        b.punctuate();
        awaitCalls(2);
        gemini.answerAll();
        b.punctuateUntil(() -> b.responseCount() == 1);
        b.punctuate();
        List<JsonNode> responses = b.responses();
        assertEquals(1, responses.size(), "answered once: " + responses);
        assertFalse(responses.get(0).has("cached"), responses.get(0).toString());
        assertEquals(1, responses.get(0).get("attempts").asInt());
        assertEquals(0, a.responseCount(), "a closed task forwards nothing");
        assertTrue(b.nothingPending());
        b.processor.close();
    }

    @Test
    void shouldHoldARepeatAgainWhenItsTaskIsInitialisedAgain() throws IOException {
        readARepeatInBWhileTheFirstCopyIsAtGemini();
        b.processor.close();
        assertFalse(b.nothingPending(), "the held repeat stays pending");

        // A new incarnation reads it back from the store: the first copy is still open, so it waits again.
        b.init();
        b.punctuate();
        assertEquals(1, services.pacing().inFlight(), "held again, not sent");
        gemini.answerAll();
        a.punctuateUntil(() -> a.responseCount() == 1);
        b.punctuate();
        b.punctuate();
        List<JsonNode> repeats = b.responses();
        assertEquals(1, repeats.size(), "answered once: " + repeats);
        assertTrue(repeats.get(0).get("cached").asBoolean());
        assertEquals(1, gemini.calls.size());
        assertTrue(b.nothingPending());
        a.processor.close();
        b.processor.close();
    }

    @Test
    void shouldHoldARepeatWhileItsFirstCopyQueuesAndSendItOnlyAfterTheLongestWait() throws IOException {
        a.init();
        b.init();
        long now = System.currentTimeMillis();
        a.process("first", "hello", 0);
        awaitCalls(1);
        b.process("repeat", "hello", 0);
        b.punctuateAt(now + 5_100);
        assertEquals(1, services.pacing().inFlight(), "past a request timeout, the first copy may still be queued for the quota");
        long longest = HeldRepeats.LONGEST_REPEAT_WAIT_MILLIS;
        b.punctuateAt(now + longest + 100);
        awaitCalls(2);

        gemini.answerAll();
        a.punctuateUntil(() -> a.responseCount() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            b.punctuateAt(now + longest + 200);
            return b.responseCount() == 1;
        });
        b.punctuateAt(now + longest + 300);
        List<JsonNode> responses = b.responses();
        assertEquals(1, responses.size(), "answered once: " + responses);
        assertFalse(responses.get(0).has("cached"), "answered by its own call: " + responses.get(0));
        assertTrue(b.nothingPending());
        a.processor.close();
        b.processor.close();
    }
}

package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.JsonSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The processor's lifecycle as Kafka Streams drives it, one call at a time: {@code init}
 * again after {@code close} (a task revived or resumed), answers that arrive after
 * {@code close}, and the request permits through it all. Gemini answers when the test says.
 */
class GeminiBatchProcessorLifecycleTest {
    private static final String STORE = "gemini-pending";
    private static final GeminiBatchProcessor.OutputNames OUTPUTS =
            new GeminiBatchProcessor.OutputNames("responses", "embeddings", "dead-letter", "job-events");

    private final HeldGemini gemini = new HeldGemini();
    private final AppConfig config = ConfigLayers.defaults().withAll(Map.of("punctuate.interval", "10ms")).build();
    private final GeminiGateway gateway = new GeminiGateway(config, gemini);
    private final MockProcessorContext<byte[], byte[]> context = new MockProcessorContext<>();
    private final KeyValueStore<String, PendingPrompt> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(STORE), Serdes.String(), new JsonSerde<>(PendingPrompt.class))
            .withLoggingDisabled().build();
    private long offset;

    GeminiBatchProcessorLifecycleTest() {
        context.setCurrentSystemTimeMs(System.currentTimeMillis());
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    @AfterEach
    void close() {
        gateway.close();
    }

    @Test
    void shouldAnswerEveryPromptOnceWhenInitialisedAgainAfterClose() {
        GeminiBatchProcessor processor = new GeminiBatchProcessor(config, gateway, STORE, OUTPUTS);
        processor.init(context);
        processor.process(prompt("a"));
        awaitCalls(1);
        processor.close();
        gemini.answerAll();
        assertEquals(0, gateway.inFlight(), "the answer that came after close gave its permit back, once");

        processor.init(context);
        processor.process(prompt("b"));
        // a (still pending: its answer was never forwarded) and b are sent
        awaitCalls(3);
        gemini.answerAll();
        punctuate();

        assertEquals(List.of(), outputsTo("dead-letter"), "nothing is dead-lettered");
        List<String> answered = outputsTo("responses").stream().map(value -> value.contains("answer to a") ? "a" : "b").sorted().toList();
        assertEquals(List.of("a", "b"), answered, "one response each");
        assertEquals(0, gateway.inFlight());
        assertEquals(0, countStored(), "nothing left pending");
    }

    @Test
    void shouldKeepAPermitUntilACallSentBeforeCloseIsAnswered() {
        GeminiBatchProcessor processor = new GeminiBatchProcessor(config, gateway, STORE, OUTPUTS);
        processor.init(context);
        processor.process(prompt("a"));
        awaitCalls(1);
        processor.close();
        assertEquals(1, gateway.inFlight(), "the HTTP call still runs: its permit is still taken");
        gemini.answerAll();
        assertEquals(0, gateway.inFlight());
        assertEquals(List.of(), context.forwarded(), "a closed task forwards nothing");
        assertEquals(1, countStored(), "the prompt stays pending for the next owner");
    }

    /** Calls leave on the client's scheduler thread: wait for them to reach Gemini. */
    private void awaitCalls(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> gemini.calls.size() >= count);
        assertEquals(count, gemini.calls.size());
    }

    private void punctuate() {
        for (var punctuator : context.scheduledPunctuators()) {
            if (!punctuator.cancelled()) {
                punctuator.getPunctuator().punctuate(System.currentTimeMillis());
            }
        }
    }

    private List<String> outputsTo(String sink) {
        List<String> values = new ArrayList<>();
        for (CapturedForward<? extends byte[], ? extends byte[]> forward : context.forwarded()) {
            if (sink.equals(forward.childName().orElse(null))) {
                values.add(new String(forward.record().value(), UTF_8));
            }
        }
        return values;
    }

    private int countStored() {
        int count = 0;
        try (var entries = store.all()) {
            while (entries.hasNext()) {
                entries.next();
                count++;
            }
        }
        return count;
    }

    private Record<String, PendingPrompt> prompt(String text) {
        SourceCoordinates source = new SourceCoordinates("prompts", 0, offset++, System.currentTimeMillis());
        PromptRequest request = new PromptRequest(text, text, Set.of(Task.GENERATE), null, null, null, null, null);
        PendingPrompt pending = PendingPrompt.received(request, source, text.getBytes(UTF_8), text.getBytes(UTF_8));
        return new Record<>(source.asKey(), pending, source.timestamp());
    }

    /** Answers generate calls only when told to, on the test's thread. */
    private static final class HeldGemini implements GeminiClient {
        final List<CompletableFuture<GenerateResult>> calls = new CopyOnWriteArrayList<>();
        private final List<GenerateRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
            CompletableFuture<GenerateResult> call = new CompletableFuture<>();
            requests.add(request);
            calls.add(call);
            return call;
        }

        @Override
        public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
            throw new UnsupportedOperationException("generate only");
        }

        void answerAll() {
            for (int i = 0; i < calls.size(); i++) {
                GenerateRequest request = requests.get(i);
                calls.get(i).complete(new GenerateResult("answer to " + request.prompt(), "STOP", null, null,
                        new TokenUsage(1, 1, 0, 2), request.model()));
            }
        }

        @Override
        public void close() {
        }
    }
}

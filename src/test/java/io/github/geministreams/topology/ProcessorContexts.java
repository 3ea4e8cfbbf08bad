package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.topology.output.OutputNames;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * A {@link GeminiProcessor} driven by hand on a {@link MockProcessorContext}: the store and
 * sink names to build it with, its stores in memory, its punctuators run at a chosen wall-clock
 * time, and what it forwarded to each sink.
 */
final class ProcessorContexts {
    static final String STORE = "gemini-pending";
    static final String BATCH_JOBS = "gemini-batch-jobs";
    static final String COMMITTED_JOBS = "gemini-batch-jobs-committed";
    static final OutputNames OUTPUTS =
            new OutputNames("responses", "embeddings", "dead-letter", "job-events", "handover",
                    "batch-jobs", "cache");

    private ProcessorContexts() {
    }

    /**
     * A processor of {@code config} on {@code services}, with the store names here, and the handover
     * and cache stores named {@code handover} and {@code cache} (null: none).
     */
    static GeminiProcessor processor(AppConfig config, InstanceServices services, String handover, String cache) {
        return new GeminiProcessor(config, services, STORE, handover, BATCH_JOBS, COMMITTED_JOBS, cache, OUTPUTS);
    }

    /** An in-memory store with string keys and no changelog. */
    static <V> KeyValueStore<String, V> store(String name, Serde<V> serde) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), serde)
                .withLoggingDisabled().build();
    }

    /** Initialises each of {@code stores} on {@code context} and adds it there, for the processor to fetch. */
    static void addStores(MockProcessorContext<?, ?> context, List<? extends KeyValueStore<String, ?>> stores) {
        for (KeyValueStore<String, ?> each : stores) {
            each.init(context.getStateStoreContext(), each);
            context.addStateStore(each);
        }
    }

    /** How many entries {@code store} holds. */
    static int count(KeyValueStore<String, ?> store) {
        int count = 0;
        try (var entries = store.all()) {
            while (entries.hasNext()) {
                entries.next();
                count++;
            }
        }
        return count;
    }

    /** Sets the context's wall clock to {@code wallClockMillis} and runs every punctuator not cancelled. */
    static void punctuateAt(MockProcessorContext<?, ?> context, long wallClockMillis) {
        context.setCurrentSystemTimeMs(wallClockMillis);
        for (var punctuator : context.scheduledPunctuators()) {
            if (!punctuator.cancelled()) {
                punctuator.getPunctuator().punctuate(wallClockMillis);
            }
        }
    }

    /** What was forwarded to {@code sink} so far, in order. */
    static List<CapturedForward<? extends byte[], ? extends byte[]>> forwardsTo(
            MockProcessorContext<byte[], byte[]> context, String sink) {
        List<CapturedForward<? extends byte[], ? extends byte[]>> forwards = new ArrayList<>();
        for (CapturedForward<? extends byte[], ? extends byte[]> forward : context.forwarded()) {
            if (sink.equals(forward.childName().orElse(null))) {
                forwards.add(forward);
            }
        }
        return forwards;
    }

    /** The values forwarded to {@code sink} so far, in order, decoded as UTF-8. */
    static List<String> outputsTo(MockProcessorContext<byte[], byte[]> context, String sink) {
        return forwardsTo(context, sink).stream().map(forward -> new String(forward.record().value(), UTF_8)).toList();
    }
}

package io.github.geministreams.jobs;

import io.github.geministreams.app.PipelineExceptionHandler;
import io.github.geministreams.serde.JsonSerde;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/** Creates a {@link JobTracker} per task and declares its persistent, changelogged store of job counts. */
public final class JobTrackerSupplier implements ProcessorSupplier<byte[], byte[], byte[], byte[]> {
    public static final String STORE_NAME = "gemini-jobs";
    /**
     * The name of the tracker's node in the topology, which {@link PipelineExceptionHandler}
     * recognizes it by. {@code PromptTopology} names the node with a literal of its own; a test
     * checks the two agree.
     */
    public static final String NODE_NAME = "job-tracker";

    private final Duration progressInterval;

    public JobTrackerSupplier(Duration progressInterval) {
        this.progressInterval = progressInterval;
    }

    @Override
    public Processor<byte[], byte[], byte[], byte[]> get() {
        return new JobTracker(STORE_NAME, progressInterval);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        StoreBuilder<KeyValueStore<String, JobState>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE_NAME), Serdes.String(), new JsonSerde<>(JobState.class))
                .withLoggingEnabled(Map.of());
        return Set.of(store);
    }
}

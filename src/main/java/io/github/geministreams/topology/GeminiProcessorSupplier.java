package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.serde.JsonSerde;
import io.github.geministreams.topology.batchjob.BatchJobRecord;
import io.github.geministreams.topology.output.OutputNames;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Creates a {@link GeminiProcessor} per task and declares its stores, persistent
 * (RocksDB) and changelogged: the pending store keyed by source coordinates, and the store of
 * its Gemini batch jobs keyed by display name.
 */
final class GeminiProcessorSupplier implements ProcessorSupplier<String, PendingPrompt, byte[], byte[]> {
    static final String STORE_NAME = "gemini-pending";
    static final String BATCH_JOB_STORE_NAME = "gemini-batch-jobs";

    private final AppConfig config;
    private final InstanceServices services;
    private final String handoverStoreName;
    private final String committedBatchJobsStoreName;
    private final String cacheStoreName;
    private final OutputNames outputs;

    /** @param cacheStoreName the global store of the answer cache, or null when the cache is off */
    GeminiProcessorSupplier(AppConfig config, InstanceServices services, String handoverStoreName,
                            String committedBatchJobsStoreName, String cacheStoreName,
                            OutputNames outputs) {
        this.config = config;
        this.services = services;
        this.handoverStoreName = handoverStoreName;
        this.committedBatchJobsStoreName = committedBatchJobsStoreName;
        this.cacheStoreName = cacheStoreName;
        this.outputs = outputs;
    }

    @Override
    public Processor<String, PendingPrompt, byte[], byte[]> get() {
        return new GeminiProcessor(config, services, STORE_NAME, handoverStoreName, BATCH_JOB_STORE_NAME,
                committedBatchJobsStoreName, cacheStoreName, outputs);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        StoreBuilder<KeyValueStore<String, PendingPrompt>> store = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(STORE_NAME), Serdes.String(), new JsonSerde<>(PendingPrompt.class))
                .withLoggingEnabled(Map.of());
        StoreBuilder<KeyValueStore<String, BatchJobRecord>> batchJobs = Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(BATCH_JOB_STORE_NAME), Serdes.String(),
                        new JsonSerde<>(BatchJobRecord.class))
                .withLoggingEnabled(Map.of());
        return Set.of(store, batchJobs);
    }
}

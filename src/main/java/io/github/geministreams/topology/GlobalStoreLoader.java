package io.github.geministreams.topology;

import io.github.geministreams.serde.Json;
import io.github.geministreams.support.RateLimitedLog;
import io.github.geministreams.topology.batchjob.BatchJobRecord;
import io.github.geministreams.topology.store.HandoverEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a global store equal to the topic it reads: a record whose JSON value is worth keeping
 * puts its entry, any other record and a tombstone delete it. A record that cannot be read is
 * skipped (logged). Runs on Kafka Streams' global thread.
 *
 * @param <V> the value type, read as JSON
 */
final class GlobalStoreLoader<V> implements Processor<byte[], byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(GlobalStoreLoader.class);

    private final String storeName;
    private final Class<V> type;
    private final Predicate<V> keep;
    private final RateLimitedLog unreadable = new RateLimitedLog(log, Duration.ofMinutes(1));
    private KeyValueStore<String, V> store;

    private GlobalStoreLoader(String storeName, Class<V> type, Predicate<V> keep) {
        this.storeName = storeName;
        this.type = type;
        this.keep = keep;
    }

    /** The handover store: every entry. An unreadable one is skipped: at worst its call is made again. */
    static GlobalStoreLoader<HandoverEntry> handover(String storeName) {
        return new GlobalStoreLoader<>(storeName, HandoverEntry.class, entry -> true);
    }

    /** The committed batch jobs: those not ended, the only ones a task asks about. */
    static GlobalStoreLoader<BatchJobRecord> batchJobs(String storeName) {
        return new GlobalStoreLoader<>(storeName, BatchJobRecord.class, job -> !job.isFinished());
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            store.delete(key);
            return;
        }
        V value;
        try {
            value = Json.fromBytes(record.value(), type);
        } catch (RuntimeException e) {
            unreadable.warn("Skipped an unreadable record {} of store {}: {}", key, storeName, e.toString());
            return;
        }
        if (keep.test(value)) {
            store.put(key, value);
        } else {
            store.delete(key);
        }
    }
}

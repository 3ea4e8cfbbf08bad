package io.github.geministreams.topology;

import io.github.geministreams.logging.RateLimitedLog;
import io.github.geministreams.serde.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global handover store equal to the handover topic: a record puts its entry, a
 * tombstone deletes it. A record that cannot be read is skipped: at worst its call is made
 * again. Runs on Kafka Streams' global thread.
 */
final class HandoverLoader implements Processor<byte[], byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(HandoverLoader.class);

    private final String storeName;
    private final RateLimitedLog unreadable = new RateLimitedLog(log, Duration.ofMinutes(1));
    private KeyValueStore<String, HandoverEntry> store;

    HandoverLoader(String storeName) {
        this.storeName = storeName;
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
        try {
            store.put(key, Json.fromBytes(record.value(), HandoverEntry.class));
        } catch (RuntimeException e) {
            unreadable.warn("Skipped an unreadable handover record {}: {}", key, e.toString());
        }
    }
}

package io.github.geministreams.app;

import io.github.geministreams.serde.Json;
import io.github.geministreams.support.RateLimitedLog;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.HandoverPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes handover records with a plain (not transactional) idempotent producer of its own:
 * the task they belong to has committed and closed, so there is no transaction to join. A
 * record that cannot be written is logged and lost; the next owner then calls Gemini again,
 * as it would without a handover.
 *
 * <p>The next owner deletes each answer it uses. One it never uses (it came too late, or
 * the next owner read the item before the handover reached it) is deleted here after
 * {@link #ANSWER_TTL}, so that the compacted topic and every instance's global store do not
 * keep it for good. Thread-safe.
 */
final class KafkaHandoverPublisher implements HandoverPublisher {
    private static final Logger log = LoggerFactory.getLogger(KafkaHandoverPublisher.class);
    /** How long a send may block on metadata or a full buffer: it runs on Gemini's callback threads. */
    private static final Duration MAX_BLOCK = Duration.ofSeconds(5);
    /** How long an answer stays for the next owner; it waits at most a request timeout for one. */
    static final Duration ANSWER_TTL = Duration.ofMinutes(10);

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final RateLimitedLog failures = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final ScheduledExecutorService expiry = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gemini-handover-expiry");
        thread.setDaemon(true);
        return thread;
    });

    KafkaHandoverPublisher(Map<String, Object> clientProperties, String topic, String clientId) {
        this.topic = topic;
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public void publish(String key, HandoverEntry entry) {
        send(key, entry);
        if (entry != null && !entry.open()) {
            expiry.schedule(() -> send(key, null), ANSWER_TTL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void send(String key, HandoverEntry entry) {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    entry == null ? null : Json.toBytes(entry)), (metadata, failure) -> {
                        if (failure != null) {
                            failures.warn("Could not hand over {} to the next owner (it will call Gemini again): {}",
                                    key, failure.toString());
                        }
                    });
        } catch (RuntimeException e) {
            failures.warn("Could not hand over {} to the next owner (it will call Gemini again): {}", key, e.toString());
        }
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        producer.close(Duration.ofSeconds(10));
    }
}

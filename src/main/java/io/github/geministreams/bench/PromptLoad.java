package io.github.geministreams.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.github.geministreams.model.Mode;
import io.github.geministreams.serde.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces a row's prompts: JSON {@code {"id", "prompt", "tasks"}} (and {@code "mode"} for a
 * gemini-streams row) keyed by id (or by one of a number of keys), the texts and tasks of a
 * {@link PromptSequence}, all at once or paced at a rate. Each record's timestamp is the moment
 * it was sent, and the same moment goes into {@code sentAt} by id, where the
 * {@link OutputWatcher} finds it.
 */
final class PromptLoad {
    private final Map<String, Object> clientProperties;
    private final int keys;
    private final Mode mode;

    /**
     * @param keys distinct record keys, prompt i gets key {@code i % keys}; 0 = each prompt keyed by its id
     * @param mode the prompts' {@code mode}; null = no such field (a baseline, which knows no modes)
     */
    PromptLoad(Map<String, Object> clientProperties, int keys, Mode mode) {
        this.clientProperties = clientProperties;
        this.keys = keys;
        this.mode = mode;
    }

    /** The JSON value of prompt {@code i} of {@code prompts}. */
    Map<String, Object> value(String id, PromptSequence prompts, int i) {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("id", id);
        value.put("prompt", prompts.text(i));
        value.put("tasks", List.of(prompts.task(i)));
        if (mode != null) {
            value.put("mode", mode.wireName());
        }
        return value;
    }

    /**
     * Sends {@code prompts} to {@code topic} and waits until the broker has them all.
     *
     * @param rate prompts per second; 0 = as fast as the producer goes
     */
    void produce(String topic, String idPrefix, PromptSequence prompts, double rate, ConcurrentMap<String, Long> sentAt)
            throws InterruptedException {
        int count = prompts.size();
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, rate > 0 ? 0 : 5);
        List<Future<RecordMetadata>> sends = new ArrayList<>(count);
        long started = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = started + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
                String id = idPrefix + i;
                Map<String, Object> value = value(id, prompts, i);
                long now = System.currentTimeMillis();
                sentAt.put(id, now);
                String key = keys > 0 ? "key-" + i % keys : id;
                sends.add(producer.send(new ProducerRecord<>(topic, null, now, key.getBytes(UTF_8), Json.toBytes(value))));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> send : sends) {
            try {
                send.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("A benchmark prompt was not produced: " + e.getCause().getMessage(), e);
            }
        }
    }
}

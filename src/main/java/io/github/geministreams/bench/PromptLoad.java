package io.github.geministreams.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.HashMap;
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
 * Produces a row's prompts: JSON {@code {"id", "prompt", "tasks"}} keyed by id, all at once
 * or paced at a rate. Each record's timestamp is the moment it was sent, and the same moment
 * goes into {@code sentAt} by id, where the {@link OutputWatcher} finds it.
 */
final class PromptLoad {
    private final Map<String, Object> clientProperties;
    private final Workload workload;

    PromptLoad(Map<String, Object> clientProperties, Workload workload) {
        this.clientProperties = clientProperties;
        this.workload = workload;
    }

    /**
     * Sends {@code count} prompts to {@code topic} and waits until the broker has them all.
     *
     * @param rate prompts per second; 0 = as fast as the producer goes
     */
    void produce(String topic, String idPrefix, int count, double rate, ConcurrentMap<String, Long> sentAt)
            throws InterruptedException {
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
                String value = "{\"id\":\"" + id + "\",\"prompt\":\"Text number " + i
                        + " about stream processing with Kafka\",\"tasks\":[\"" + workload.task(i) + "\"]}";
                long now = System.currentTimeMillis();
                sentAt.put(id, now);
                sends.add(producer.send(new ProducerRecord<>(topic, null, now, id.getBytes(UTF_8), value.getBytes(UTF_8))));
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

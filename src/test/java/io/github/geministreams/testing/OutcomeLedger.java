package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the output topics with a read_committed consumer and counts, per prompt id and
 * slot ({@code generate}, {@code embed}, {@code parse}), how many records were written.
 * Outputs are keyed by prompt id; dead letters keep the original key (our tests key every
 * prompt by its id) and name the slot in the stage header. Not thread-safe.
 */
public final class OutcomeLedger implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String responses;
    private final String embeddings;
    private final Map<String, Integer> counts = new HashMap<>();
    private final List<String> deadLetterReasons = new ArrayList<>();
    private int records;

    public OutcomeLedger(String bootstrapServers, String responses, String embeddings, String deadLetter) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(props);
        this.responses = responses;
        this.embeddings = embeddings;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(responses, embeddings, deadLetter)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads whatever has been committed since the last poll. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            records++;
            String id = new String(record.key(), UTF_8);
            String slot;
            if (record.topic().equals(responses)) {
                slot = "generate";
            } else if (record.topic().equals(embeddings)) {
                slot = "embed";
            } else {
                Header stage = record.headers().lastHeader("gemini-streams.stage");
                slot = stage == null ? "?" : new String(stage.value(), UTF_8);
                Header message = record.headers().lastHeader("__streams.errors.message");
                deadLetterReasons.add(id + " [" + slot + "]: " + (message == null ? "?" : new String(message.value(), UTF_8)));
            }
            counts.merge(id + "/" + slot, 1, Integer::sum);
        }
    }

    /** Output records read so far, duplicates included. */
    public int records() {
        return records;
    }

    /** Records beyond the first for any (id, slot). */
    public int duplicates() {
        return counts.values().stream().mapToInt(count -> count - 1).sum();
    }

    /** Expected (id, slot) pairs with no record yet. */
    public List<String> missing(Map<String, Set<String>> expected) {
        List<String> missing = new ArrayList<>();
        expected.forEach((id, slots) -> slots.forEach(slot -> {
            if (!counts.containsKey(id + "/" + slot)) {
                missing.add(id + "/" + slot);
            }
        }));
        return missing;
    }

    /** (id, slot) pairs that were written but not expected. */
    public List<String> unexpected(Map<String, Set<String>> expected) {
        return counts.keySet().stream().filter(key -> {
            String id = key.substring(0, key.lastIndexOf('/'));
            String slot = key.substring(key.lastIndexOf('/') + 1);
            return !expected.getOrDefault(id, Set.of()).contains(slot);
        }).sorted().toList();
    }

    public List<String> deadLetterReasons() {
        return deadLetterReasons;
    }

    @Override
    public void close() {
        consumer.close();
    }
}

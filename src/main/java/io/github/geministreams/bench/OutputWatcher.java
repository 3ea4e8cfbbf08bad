package io.github.geministreams.bench;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a row's output topics with a read_committed consumer and measures, per output, the
 * time from its prompt's send ({@code sentAt}, by prompt id) to the moment it is read.
 * Counts outputs, dead letters and duplicates (an id seen twice). The id is the value's
 * {@code id} field, which every row writes (a dead letter and a baseline's output keep the
 * prompt's record key, which need not be its id). Sums the outputs' estimated {@code costUsd}
 * (a duplicate's too: it was paid again). Not thread-safe: one thread polls.
 */
final class OutputWatcher implements AutoCloseable {
    private static final long MAX_LATENCY_MS = Duration.ofHours(1).toMillis();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String deadLetterTopic;
    private final ConcurrentMap<String, Long> sentAt;
    private final String warmupPrefix;
    private long warmupOutputs;
    private final Histogram latencyMillis = new Histogram(MAX_LATENCY_MS, 3);
    private final Set<String> seen = new HashSet<>();
    private long outputs;
    private long deadLettered;
    private long duplicates;
    private long lastOutputMillis;
    private double costUsd;
    private long unpricedOutputs;

    /** What the watcher reads of an output value: its prompt id ("" without one) and its cost (null without one). */
    record Fields(String id, Double costUsd) {
        static final Fields NONE = new Fields("", null);
    }

    /**
     * @param deadLetterTopic one of {@code topics}, or null when the row has none
     * @param warmupPrefix    outputs whose key starts with it are warm-up: counted apart, measured never
     */
    OutputWatcher(Map<String, Object> clientProperties, List<String> topics, String deadLetterTopic,
                  ConcurrentMap<String, Long> sentAt, String warmupPrefix) {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props);
        this.deadLetterTopic = deadLetterTopic;
        this.sentAt = sentAt;
        this.warmupPrefix = warmupPrefix;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until {@code expected} warm-up outputs have arrived or {@code timeout} passes; true when they have. */
    boolean awaitWarmup(int expected, Duration timeout) {
        return readUntil(() -> warmupOutputs >= expected, timeout);
    }

    /** Reads until {@code expected} distinct prompts have an output or {@code timeout} passes; true when they all have. */
    boolean awaitOutputs(int expected, Duration timeout) {
        return readUntil(() -> seen.size() >= expected, timeout);
    }

    private boolean readUntil(BooleanSupplier done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                record(record, System.currentTimeMillis());
            }
        }
        return done.getAsBoolean();
    }

    private void record(ConsumerRecord<byte[], byte[]> record, long readAtMillis) {
        Fields fields = fieldsOf(record.value());
        String id = fields.id();
        if (id.startsWith(warmupPrefix)) {
            warmupOutputs++;
            return;
        }
        outputs++;
        if (record.topic().equals(deadLetterTopic)) {
            deadLettered++;
        } else {
            addCost(fields.costUsd());
        }
        if (!seen.add(id)) {
            duplicates++;
            return;
        }
        Long sent = sentAt.get(id);
        if (sent != null) {
            latencyMillis.recordValue(Math.min(MAX_LATENCY_MS, Math.max(0, readAtMillis - sent)));
        }
        lastOutputMillis = readAtMillis;
    }

    /** Counts an answer's cost; null = the answer has none (a model without a price, a row that knows no prices). */
    private void addCost(Double cost) {
        if (cost == null) {
            unpricedOutputs++;
        } else {
            costUsd += cost;
        }
    }

    /**
     * The top-level {@code id} and {@code costUsd} of a JSON value, read without parsing the rest
     * (an embedding's values); {@link Fields#NONE} for what is not a JSON object.
     */
    static Fields fieldsOf(byte[] value) {
        if (value == null) {
            return Fields.NONE;
        }
        String id = "";
        Double cost = null;
        try (JsonParser parser = Json.MAPPER.createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Fields.NONE;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken token = parser.nextToken();
                if (field.equals("id") && token == JsonToken.VALUE_STRING) {
                    id = parser.getText();
                } else if (field.equals("costUsd") && token.isNumeric()) {
                    cost = parser.getDoubleValue();
                } else {
                    parser.skipChildren();
                }
            }
            return new Fields(id, cost);
        } catch (IOException notJson) {
            return Fields.NONE;
        }
    }

    long outputs() {
        return outputs;
    }

    long distinct() {
        return seen.size();
    }

    long deadLettered() {
        return deadLettered;
    }

    long duplicates() {
        return duplicates;
    }

    long lastOutputMillis() {
        return lastOutputMillis;
    }

    /**
     * The estimated cost of the outputs read per 1,000 of {@code prompts}, in US dollars; NaN
     * when an output (other than a dead letter) carried no cost, or none was read.
     */
    double costPer1000Prompts(int prompts) {
        return costPer1000(costUsd, unpricedOutputs, outputs - deadLettered, prompts);
    }

    /**
     * {@code costUsd} per 1,000 of {@code prompts}: NaN when {@code unpriced} answers had no cost
     * (the sum would understate it) or no answer came. The client-only row counts the same way.
     */
    static double costPer1000(double costUsd, long unpriced, long answered, int prompts) {
        return unpriced > 0 || answered == 0 || prompts == 0 ? Double.NaN : costUsd / prompts * 1000;
    }

    /** End-to-end latency at {@code percentile} (0..100), in milliseconds. */
    long latencyMillis(double percentile) {
        return latencyMillis.getValueAtPercentile(percentile);
    }

    @Override
    public void close() {
        consumer.close();
    }
}

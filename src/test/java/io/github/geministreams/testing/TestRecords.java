package io.github.geministreams.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain kafka-clients helpers for the broker tests: produce a map of records, read records back. */
public final class TestRecords {

    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestRecords() {
    }

    public static Map<String, String> numbered(String prefix, int count) {
        Map<String, String> records = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            records.put(prefix + "-key-" + i, prefix + "-value-" + i);
        }
        return records;
    }

    public static void createTopic(String bootstrapServers, String topic, int partitions)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** The sum of the topic's end offsets: how many records (and transaction markers) it holds. */
    public static long endOffsetSum(String bootstrapServers, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions()
                    .forEach(partition -> latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    public static KafkaProducer<String, String> producer(String bootstrapServers, Map<String, Object> extra) {
        Map<String, Object> config = new LinkedHashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** Sends every record and waits for each acknowledgement. */
    public static void produce(String bootstrapServers, String topic, Map<String, String> records)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (KafkaProducer<String, String> producer = producer(bootstrapServers, Map.of())) {
            for (Map.Entry<String, String> record : records.entrySet()) {
                producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue()))
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    public static KafkaConsumer<String, String> consumer(String bootstrapServers, String groupId, String isolationLevel) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, groupId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel),
                new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Reads the topic from the start with a fresh group: {@link #poll} until {@code expectedCount}
     * records arrived, then on to the topic's end offsets. Returns key to value, in the order read.
     */
    public static Map<String, String> readAll(String bootstrapServers, String topic, String isolationLevel, int expectedCount) {
        try (KafkaConsumer<String, String> consumer =
                     consumer(bootstrapServers, topic + "-reader-" + System.nanoTime(), isolationLevel)) {
            consumer.subscribe(List.of(topic));
            return poll(consumer, expectedCount);
        }
    }

    /**
     * Polls until {@code expectedCount} records arrived or the timeout passed, then on until the
     * consumer's position reaches the end offsets of its assignment, so that a record beyond the
     * expected ones is read too. A key read twice fails: a map must not hide a duplicate.
     */
    public static Map<String, String> poll(KafkaConsumer<String, String> consumer, int expectedCount) {
        Map<String, String> received = new LinkedHashMap<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < expectedCount && System.nanoTime() < deadline) {
            pollInto(consumer, received);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (TestClients.beforeEnd(consumer, ends)
                && System.nanoTime() < deadline) {
            pollInto(consumer, received);
        }
        return received;
    }

    private static void pollInto(KafkaConsumer<String, String> consumer, Map<String, String> received) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            String earlier = received.put(record.key(), record.value());
            if (earlier != null) {
                throw new AssertionError("key " + record.key() + " read twice: " + earlier + ", then " + record.value());
            }
        }
    }
}

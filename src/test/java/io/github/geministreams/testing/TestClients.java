package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests: produce records and wait for every ack; read topics from the start. */
public final class TestClients {
    private TestClients() {
    }

    /** A record for {@code topic} with {@code key} and {@code value} encoded as UTF-8. */
    public static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(topic, key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    /** Produces every record and fails if any was not acknowledged. */
    public static void produce(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records) {
        produce(bootstrapServers, records, Map.of());
    }

    /** As {@link #produce(String, List)}, with extra producer properties. */
    public static void produce(String bootstrapServers, List<ProducerRecord<byte[], byte[]>> records,
                               Map<String, Object> overrides) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.putAll(overrides);
        List<Future<?>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                sends.add(producer.send(record));
            }
            producer.flush();
            for (Future<?> send : sends) {
                send.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a record was not produced: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while producing", e);
        }
    }

    /** A consumer assigned to every partition of {@code topics}, from the beginning, with {@code isolation}. */
    public static KafkaConsumer<byte[], byte[]> readerFromStart(String bootstrapServers, String isolation,
                                                                List<String> topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /**
     * Every record of {@code topics} up to the end offsets they have now, read with
     * {@code isolation}: committed ones only, or aborted ones too.
     */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrapServers, String isolation,
                                                                 List<String> topics) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = readerFromStart(bootstrapServers, isolation, topics)) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (beforeEnd(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(topics + " were not read to their end offsets " + ends + " in a minute");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** {@link #readToEnd} of one topic with read_committed: what the pipeline committed to it so far. */
    public static List<ConsumerRecord<byte[], byte[]>> readCommitted(String bootstrapServers, String topic) {
        return readToEnd(bootstrapServers, "read_committed", List.of(topic));
    }

    /** Whether {@code consumer} has not yet reached {@code ends} on some partition: records may remain. */
    public static boolean beforeEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue());
    }

    /** {@link #readerFromStart} with read_committed: what the pipeline committed. */
    public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrapServers, String... topics) {
        return readerFromStart(bootstrapServers, "read_committed", List.of(topics));
    }
}

package io.github.geministreams.cli;

import io.github.geministreams.cli.PromptLine.KeyValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the lines of a prompt file to the prompts topic with an idempotent producer
 * ({@code acks=all}), so a retried send never writes a prompt twice. Not thread-safe; one
 * file at a time.
 */
final class PromptProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final PromptLine lines;
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    PromptProducer(Map<String, Object> clientProperties, String topic, PromptLine lines) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(props);
        this.topic = topic;
        this.lines = lines;
    }

    /**
     * Sends every non-blank line and waits until the broker has acknowledged all of them.
     *
     * @param onLine called after each line is read, with the number of lines read so far
     * @return the number of prompts sent
     * @throws KafkaException the first send that failed, after all sends have completed
     */
    long send(BufferedReader reader, LongConsumer onLine) {
        long read = 0;
        long sent = 0;
        try {
            String line;
            while ((line = reader.readLine()) != null) {
                KeyValue record = lines.toRecord(line);
                if (record != null) {
                    producer.send(new ProducerRecord<>(topic, record.key(), record.value()), (metadata, failure) -> {
                        if (failure != null) {
                            firstFailure.compareAndSet(null, failure);
                        }
                    });
                    sent++;
                }
                onLine.accept(++read);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the prompts: " + e.getMessage(), e);
        }
        producer.flush();
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new KafkaException("Could not produce every prompt to '" + topic + "': " + failure.getMessage(), failure);
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}

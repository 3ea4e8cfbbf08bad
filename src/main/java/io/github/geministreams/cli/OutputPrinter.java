package io.github.geministreams.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topics.TopicPlan;
import io.github.geministreams.topics.TopicRole;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints one short line per committed output record as it arrives: what {@code local}
 * shows people. Reads read_committed from the beginning of the three output topics on a
 * thread of its own until {@link #close()}.
 */
final class OutputPrinter implements AutoCloseable {
    private static final int TEXT_WIDTH = 90;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPlan topics;
    private final PrintStream out;
    private final Thread thread;
    private final AtomicLong printed = new AtomicLong();

    OutputPrinter(Map<String, Object> clientProperties, TopicPlan topics, PrintStream out) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(props);
        this.topics = topics;
        this.out = out;
        this.thread = new Thread(this::printLoop, "output-printer");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Output records printed so far. */
    long printed() {
        return printed.get();
    }

    private void printLoop() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicRole role : List.of(TopicRole.RESPONSES, TopicRole.EMBEDDINGS, TopicRole.DEAD_LETTER)) {
            String topic = topics.name(role);
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    out.println(describe(record));
                    printed.incrementAndGet();
                }
            }
        } catch (WakeupException stopping) {
            // close() asked us to stop.
        } finally {
            consumer.close();
        }
    }

    String describe(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "(no key)" : new String(record.key(), UTF_8);
        String topic = record.topic();
        if (topic.equals(topics.name(TopicRole.DEAD_LETTER))) {
            return String.format("%-11s %-12s %s: %s", topic, key, header(record, "gemini-streams.stage"),
                    header(record, "__streams.errors.message"));
        }
        try {
            JsonNode value = Json.MAPPER.readTree(record.value());
            if (topic.equals(topics.name(TopicRole.EMBEDDINGS))) {
                JsonNode values = value.path("values");
                return String.format("%-11s %-12s %d dims [%s, %s, …] (%s%d ms)", topic, key,
                        value.path("dimensions").asInt(), values.path(0).asText(), values.path(1).asText(),
                        how(value), value.path("latencyMs").asLong());
            }
            String text = value.path("blocked").asBoolean()
                    ? "(blocked: " + value.path("blockReason").asText() + ")"
                    : shorten(value.path("text").asText());
            return String.format("%-11s %-12s %s (%s%d attempt(s), %d ms)", topic, key, text, how(value),
                    value.path("attempts").asInt(), value.path("latencyMs").asLong());
        } catch (IOException e) {
            return String.format("%-11s %-12s (not JSON: %d bytes)", topic, key, record.value().length);
        }
    }

    /** "batch, " or "cached, " when the output says so; nothing for an online answer. */
    private static String how(JsonNode value) {
        if (value.path("cached").asBoolean()) {
            return "cached, ";
        }
        return "batch".equals(value.path("mode").asText()) ? "batch, " : "";
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), UTF_8);
    }

    private static String shorten(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= TEXT_WIDTH ? "\"" + oneLine + "\"" : "\"" + oneLine.substring(0, TEXT_WIDTH) + "…\"";
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(5_000);
    }
}

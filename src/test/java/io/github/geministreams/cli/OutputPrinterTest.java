package io.github.geministreams.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.geministreams.topics.TopicPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The line {@code local} prints per output says how the answer was asked: online, batch, or from the cache. */
class OutputPrinterTest {
    private static ConsumerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ConsumerRecord<>(topic, 0, 0, key.getBytes(UTF_8), value.getBytes(UTF_8));
    }

    @Test
    void shouldSayWhenAnAnswerCameFromABatchJobOrTheCache() throws InterruptedException {
        try (OutputPrinter printer = new OutputPrinter(Map.of("bootstrap.servers", "localhost:1"), TopicPlan.builtIn(),
                new PrintStream(new ByteArrayOutputStream(), true, UTF_8))) {
            assertEquals("responses   a            \"hi\" (1 attempt(s), 20 ms)", printer.describe(record("responses", "a",
                    "{\"text\":\"hi\",\"attempts\":1,\"latencyMs\":20,\"mode\":\"online\"}")));
            assertEquals("responses   b            \"hi\" (batch, 1 attempt(s), 900 ms)", printer.describe(record(
                    "responses", "b", "{\"text\":\"hi\",\"attempts\":1,\"latencyMs\":900,\"mode\":\"batch\"}")));
            assertEquals("embeddings  c            2 dims [0.5, 0.25, …] (cached, 0 ms)", printer.describe(record(
                    "embeddings", "c", "{\"dimensions\":2,\"values\":[0.5,0.25],\"latencyMs\":0,\"mode\":\"batch\","
                            + "\"cached\":true}")));
        }
    }
}

package io.github.geministreams.integration.pipeline;

import static io.github.geministreams.testing.RecordContents.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records on a real broker. Each bad one must reach dead-letter with its original
 * bytes and a reason; odd but valid records (strange headers, no key) must be answered; and
 * the application must keep running and answer the prompt that comes after them all.
 */
class HostileInputIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    /** The broker's default message.max.bytes; the prompts topic keeps it. */
    private static final int BROKER_MAX_MESSAGE_BYTES = 1_048_588;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldDeadLetterEveryHostileRecordWithItsReasonAndKeepAnswering() throws Exception {
        GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().latency(Duration.ofMillis(5)).build());
        closer.add(simulator);
        TestTopics topics = TestTopics.write(dir, "hostile", 1);
        AppConfig config = InProcessApps.config(KAFKA.bootstrapServers(), simulator, Map.of("application.id", "hostile-app",
                "topics.file", topics.file.toString(), "state.dir", dir.resolve("state").toString(), "metrics.port", "-1"));
        StreamsApplication app = InProcessApps.start(closer, config);

        Random random = new Random(42);
        Map<String, byte[]> bad = new HashMap<>();
        // As large as the broker takes: random bytes, which compression cannot shrink.
        bad.put("max-size", randomBytes(random, BROKER_MAX_MESSAGE_BYTES - 200));
        bad.put("binary", randomBytes(random, 4096));
        bad.put("nested", ("{\"prompt\":\"x\",\"attributes\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(UTF_8));
        bad.put("invalid-utf8", new byte[] {'h', 'i', (byte) 0xC3, (byte) 0x28, '!'});
        bad.put("huge-attributes", ("{\"prompt\":\"x\",\"attributes\":{\"blob\":\"" + "a".repeat(200_000) + "\"}}").getBytes(UTF_8));

        RecordHeaders oddHeaders = new RecordHeaders();
        oddHeaders.add("null-value", null);
        oddHeaders.add("binary", randomBytes(random, 64));
        oddHeaders.add("binary", randomBytes(random, 64));
        oddHeaders.add("", "empty name".getBytes(UTF_8));
        oddHeaders.add("large", randomBytes(random, 100_000));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        bad.forEach((id, value) -> records.add(new ProducerRecord<>(topics.prompts, id.getBytes(UTF_8), value)));
        records.add(new ProducerRecord<>(topics.prompts, 0, "odd-headers".getBytes(UTF_8),
                "a prompt with odd headers".getBytes(UTF_8), oddHeaders));
        records.add(new ProducerRecord<>(topics.prompts, null, "a prompt without a key".getBytes(UTF_8)));
        records.add(new ProducerRecord<>(topics.prompts, "after".getBytes(UTF_8), "still answering?".getBytes(UTF_8)));
        TestClients.produce(KAFKA.bootstrapServers(), records,
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * BROKER_MAX_MESSAGE_BYTES));

        // One partition, records in the order sent: the keyless prompt is at offset bad.size() + 1.
        String keyless = topics.prompts + "-0-" + (bad.size() + 1);
        ExpectedOutcomes expected = new ExpectedOutcomes().answered("odd-headers", "generate")
                .answered(keyless, "generate").answered("after", "generate");
        bad.keySet().forEach(id -> expected.deadLettered(id, "parse"));
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "hostile-app", topics.prompts)) {
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
        }

        List<ConsumerRecord<byte[], byte[]>> deadLetters =
                TestClients.readCommitted(KAFKA.bootstrapServers(), topics.deadLetter);
        List<String> reasons = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : deadLetters) {
            String id = new String(record.key(), UTF_8);
            assertArrayEquals(bad.get(id), record.value(), id + " keeps its original bytes");
            assertEquals("parse", header(record.headers(), "gemini-streams.stage"), id);
            String reason = header(record.headers(), "__streams.errors.message");
            assertTrue(reason != null && !reason.isBlank(), id + " says why");
            reasons.add(id + ": " + reason);
        }
        assertEquals(KafkaStreams.State.RUNNING, app.state());
        System.out.println("hostile input: " + String.join(" | ", reasons));
    }

    private static byte[] randomBytes(Random random, int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }
}

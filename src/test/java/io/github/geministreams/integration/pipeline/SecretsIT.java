package io.github.geministreams.integration.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.PromptMix;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gemini API key and Kafka credentials never leave the process: not in its log (start-up
 * configuration, retries, dead-lettering), not in any record, key or header of any topic the
 * application writes, its internal changelogs included.
 */
class SecretsIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final String API_KEY = "AIzaSy-test-secret-4f1d2c9e8b7a";
    private static final String KAFKA_PASSWORD = "kafka-secret-9c8b7a6f";
    /** Prompts Gemini rejects with a 400: dead-lettered with its message, where a leaked key would show. */
    private static final int POISON_PROMPTS = 5;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldKeepTheApiKeyAndKafkaPasswordsOutOfLogsAndTopics() throws Exception {
        GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder()
                .apiKey(API_KEY)
                .latency(Duration.ofMillis(10))
                .rateLimitErrorRate(0.1)
                .internalErrorRate(0.1)
                .seed(3)
                .build());
        closer.add(simulator);
        TestTopics topics = TestTopics.write(dir, "secrets", 3);
        // Enough attempts that no injected fault is dead-lettered; poison prompts are, with Gemini's message.
        List<String> args = AppProcess.runArgs(KAFKA.bootstrapServers(), Map.of(
                "application.id", "secrets-app", "topics.file", topics.file.toString(),
                "state.dir", dir.resolve("state").toString(), "metrics.port", "-1",
                "gemini.max.attempts", "10", "gemini.retry.initial.backoff", "10ms",
                "gemini.retry.max.backoff", "100ms", "embed.bundle.max.wait", "50ms"));
        // A credential Kafka ignores on a PLAINTEXT listener but that goes through our configuration.
        args.addAll(List.of("--set", "ssl.truststore.password=" + KAFKA_PASSWORD));
        Map<String, String> env = AppProcess.simulatorEnvironment(simulator);

        AppProcess app = AppProcess.start(dir.resolve("secrets.log"), env, List.of("-Xmx512m"), args.toArray(String[]::new));
        closer.add(app);
        app.awaitLog("is RUNNING", Duration.ofSeconds(90));
        PromptMix mix = PromptMix.of(topics.prompts, 300, 10);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(mix.records());
        ExpectedOutcomes expected = mix.expected();
        for (int i = 0; i < POISON_PROMPTS; i++) {
            String id = "poison-" + i;
            records.add(new ProducerRecord<>(topics.prompts, id.getBytes(UTF_8),
                    ("{\"id\":\"" + id + "\",\"prompt\":\"INVALID_TRIGGER " + i + "\",\"tasks\":[\"generate\",\"embed\"]}")
                            .getBytes(UTF_8)));
            expected.deadLettered(id, "generate").deadLettered(id, "embed");
        }
        TestClients.produce(KAFKA.bootstrapServers(), records);
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "secrets-app", topics.prompts)) {
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(2));
        }
        // SIGTERM: the JVM exits with 128 + 15 once the shutdown hook has stopped the application.
        assertEquals(143, app.stop(Duration.ofSeconds(60)), app.tail());
        String log = app.logText();
        assertTrue(log.contains("gemini-streams stopped"), "a graceful stop:\n" + app.tail());
        assertTrue(log.contains("Starting gemini-streams with"), "the start-up configuration was logged");
        assertFalse(log.contains(API_KEY), "the API key is in the log");
        assertFalse(log.contains(KAFKA_PASSWORD), "the Kafka password is in the log");

        int scanned = 0;
        for (ConsumerRecord<byte[], byte[]> record : everyRecordOf("secrets")) {
            scanned++;
            assertFalse(contains(record.key()) || contains(record.value()), "a secret in a record of " + record.topic());
            for (Header header : record.headers()) {
                assertFalse(header.key().contains(API_KEY) || contains(header.value()),
                        "a secret in header " + header.key() + " of " + record.topic());
            }
        }
        assertTrue(scanned > mix.expectedOutcomes(), "outputs and changelogs were read: " + scanned);
    }

    private static boolean contains(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        String text = new String(bytes, UTF_8);
        return text.contains(API_KEY) || text.contains(KAFKA_PASSWORD);
    }

    /** Every committed and aborted record of every topic whose name starts with {@code prefix}. */
    private static List<ConsumerRecord<byte[], byte[]>> everyRecordOf(String prefix) throws Exception {
        Set<String> names;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            names = admin.listTopics().names().get().stream().filter(name -> name.startsWith(prefix))
                    .collect(Collectors.toSet());
        }
        return TestClients.readToEnd(KAFKA.bootstrapServers(), "read_uncommitted", List.copyOf(names));
    }

}

package io.github.geministreams.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.TestTopics;
import io.github.geministreams.topics.TopicPlan;
import io.github.geministreams.topics.TopicProvisioner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's saturation throughput against the simulator at 200 ms latency, no quota:
 * a backlog of prompts is produced first, then one instance starts and the clock runs from
 * RUNNING to the last committed output. Prints figures; asserts only that every prompt was
 * answered exactly once (timings are never asserted: machines are shared and noisy).
 *
 * <p>Not part of {@code mvn verify} (the class name does not end in Test). Run it with
 * {@code mvn -B -q test -Dtest=PipelineThroughputMeasurement -Dsurefire.failIfNoSpecifiedTests=false};
 * the figures are appended to {@code target/measurements/pipeline-throughput.txt}.
 */
class PipelineThroughputMeasurement {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
    private static final Duration LATENCY = Duration.ofMillis(200);

    @TempDir
    Path dir;

    @Test
    void embed10000Prompts() throws Exception {
        measure("embed", 10_000, "embed", Map.of());
    }

    @Test
    void generate1000PromptsWith64InFlight() throws Exception {
        measure("generate", 1_000, "generate", Map.of("max.in.flight", "64"));
    }

    private void measure(String name, int prompts, String task, Map<String, String> overrides) throws Exception {
        TestTopics topics = TestTopics.write(dir, name, 6);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            new TopicProvisioner(admin, Duration.ofSeconds(30)).ensure(TopicPlan.fromFile(topics.file));
        }
        produceBacklog(topics.prompts, prompts, task);
        Map<String, String> settings = new HashMap<>(Map.of(
                "application.id", name + "-measurement",
                "topics.file", topics.file.toString(),
                "state.dir", dir.resolve("state").toString(),
                "metrics.port", "0"));
        settings.putAll(overrides);
        AppConfig config = ConfigLayers.defaults().withAll(settings).build().withBootstrapServers(KAFKA.bootstrapServers());
        try (GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().latency(LATENCY).build());
             OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                     topics.deadLetter)) {
            config = config.withGemini(config.gemini().withConnection(simulator.config().apiKey(), simulator.baseUrl()));
            long started;
            long finished;
            try (GeminiClient client = GeminiClients.create(config);
                 StreamsApplication app = new StreamsApplication(config, client)) {
                app.start(Duration.ofSeconds(60));
                started = System.nanoTime();
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(20)).until(() -> {
                    ledger.poll(Duration.ofMillis(50));
                    return ledger.records() >= prompts;
                });
                finished = System.nanoTime();
            }
            ledger.poll(Duration.ofSeconds(1));
            assertEquals(prompts, ledger.records(), "one output per prompt");
            assertEquals(0, ledger.duplicates());
            assertEquals(List.of(), ledger.deadLetterReasons());
            var stats = simulator.counters().snapshot();
            double seconds = (finished - started) / 1e9;
            String line = String.format("%s: %d %s prompts in %.2f s = %.0f items/s; simulator: %d generate requests, "
                            + "%d batchEmbed requests (%.1f texts per request), max %d concurrent; settings %s",
                    name, prompts, task, seconds, prompts / seconds, stats.generateRequests(), stats.batchEmbedRequests(),
                    stats.batchEmbedRequests() == 0 ? 0.0 : (double) stats.itemsEmbedded() / stats.batchEmbedRequests(),
                    stats.maxConcurrent(), overrides);
            System.out.println(line);
            Path report = Path.of("target", "measurements", "pipeline-throughput.txt");
            Files.createDirectories(report.getParent());
            Files.writeString(report, line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }

    private static void produceBacklog(String topic, int prompts, String task) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < prompts; i++) {
                String id = task + "-" + i;
                String value = "{\"id\":\"" + id + "\",\"prompt\":\"Text number " + i + " about Kafka\",\"tasks\":[\"" + task + "\"]}";
                sends.add(producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), value.getBytes(UTF_8))));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> send : sends) {
            send.get(); // a lost prompt would otherwise only show as a measurement that never ends
        }
    }
}

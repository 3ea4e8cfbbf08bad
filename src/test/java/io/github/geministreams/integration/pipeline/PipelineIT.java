package io.github.geministreams.integration.pipeline;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.PromptMix;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a real KRaft broker, with the real google-genai SDK talking HTTP to the
 * simulator, which injects 429s (with retry delays) and 500s. Every prompt must be
 * accounted for exactly once per task, read with read_committed, also across a SIGKILL.
 */
class PipelineIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    private static final int PROMPTS = FaultyGeminiScenario.PROMPTS;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private GeminiSimulator faultySimulator() {
        GeminiSimulator simulator = FaultyGeminiScenario.faultySimulator();
        closer.add(simulator);
        return simulator;
    }

    private static ProducerRecord<byte[], byte[]> prompt(String topic, String id, String text, String task) {
        String value = "{\"id\":\"" + id + "\",\"prompt\":\"" + text + "\",\"tasks\":[\"" + task + "\"]}";
        return new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    private static void produce(PromptMix mix) {
        produce(mix.records());
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) {
        TestClients.produce(KAFKA.bootstrapServers(), records);
    }

    @Test
    void shouldAccountForEveryPromptExactlyOnceWhileGeminiFails() throws Exception {
        System.out.println(FaultyGeminiScenario.run(KAFKA.bootstrapServers(), dir, "faults"));
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenTheApplicationIsKilledMidRun() throws Exception {
        GeminiSimulator simulator = faultySimulator();
        TestTopics topics = TestTopics.write(dir, "crash", 6);
        Path stateDir = dir.resolve("crash-state");
        List<String> args = AppProcess.runArgs(KAFKA.bootstrapServers(),
                FaultyGeminiScenario.settings("crash-app", topics, stateDir));
        Map<String, String> env = AppProcess.simulatorEnvironment(simulator);

        AppProcess first = AppProcess.start(dir.resolve("crash-1.log"), env, List.of("-Xmx512m"), args.toArray(String[]::new));
        closer.add(first);
        first.awaitLog("is RUNNING", Duration.ofSeconds(90));
        PromptMix mix = PromptMix.of(topics.prompts, PROMPTS, FaultyGeminiScenario.BAD_EVERY);
        produce(mix);
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            int killAt = mix.expectedOutcomes() / 3;
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                ledger.poll(Duration.ofMillis(100));
                return ledger.records() >= killAt;
            });
            first.kill();
            int beforeKill = ledger.records();
            assertTrue(beforeKill < mix.expectedOutcomes(), "the kill came before the end: " + beforeKill);

            AppProcess second = AppProcess.start(dir.resolve("crash-2.log"), env, List.of("-Xmx512m"), args.toArray(String[]::new));
            closer.add(second);
            second.awaitLog("is RUNNING", Duration.ofSeconds(90));
            try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "crash-app", topics.prompts)) {
                ledger.awaitExactly(mix.expected(), drain, Duration.ofMinutes(3));
            }
            var stats = simulator.counters().snapshot();
            System.out.printf("crash run: %d prompts, %d outcomes (%d committed before SIGKILL, %d dead-lettered, all "
                            + "designed), 0 duplicates, 0 lost; repeated Gemini calls: %d prompts, %d embed texts; "
                            + "simulator %s%n", PROMPTS, mix.expectedOutcomes(), beforeKill,
                    ledger.deadLetterReasons().size(), stats.repeatedPrompts(), stats.repeatedEmbedTexts(), stats);
        }
    }

    @Test
    void shouldRedispatchPromptsLeftPendingWhenTheApplicationRestarts() throws Exception {
        GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().build());
        closer.add(simulator);
        TestTopics topics = TestTopics.write(dir, "restart", 1);

        // First run: the embed batch waits for an hour (fixed policy: the adaptive one would send
        // these sparse prompts at once), so its prompts stay pending when it stops.
        AppConfig first = restartConfig(topics, simulator, "1h", "state-1");
        GeminiClient firstClient = GeminiClients.create(first);
        StreamsApplication firstApp = new StreamsApplication(first, firstClient);
        firstApp.start(Duration.ofSeconds(60));
        OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
        closer.add(ledger);
        List<ProducerRecord<byte[], byte[]>> prompts = new ArrayList<>();
        for (String id : List.of("e-1", "e-2", "e-3")) {
            prompts.add(prompt(topics.prompts, id, "text of " + id, "embed"));
        }
        prompts.add(prompt(topics.prompts, "g-1", "a question answered before the stop", "generate"));
        produce(prompts);
        // The generate prompt comes last on the only partition: once it is answered, the embed
        // prompts have been processed and sit in the pending store.
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            ledger.poll(Duration.ofMillis(100));
            return ledger.records() == 1;
        });
        firstApp.close();
        firstClient.close();
        assertEquals(0, simulator.counters().snapshot().batchEmbedRequests());

        // Second run, on a fresh state directory: the pending store comes back from its changelog.
        AppConfig second = restartConfig(topics, simulator, "50ms", "state-2");
        try (GeminiClient client = GeminiClients.create(second);
             StreamsApplication app = new StreamsApplication(second, client)) {
            app.start(Duration.ofSeconds(60));
            try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "restart-app", topics.prompts)) {
                ledger.awaitExactly(new ExpectedOutcomes().answered("e-1", "embed").answered("e-2", "embed")
                        .answered("e-3", "embed").answered("g-1", "generate"), drain, Duration.ofSeconds(60));
            }
        }
        var stats = simulator.counters().snapshot();
        assertEquals(1, stats.generateRequests(), "the answered prompt was not sent again");
        assertEquals(1, stats.batchEmbedRequests());
        assertEquals(3, stats.itemsEmbedded());
    }

    private AppConfig restartConfig(TestTopics topics, GeminiSimulator simulator, String embedWait, String stateDir) {
        AppConfig config = ConfigLayers.defaults()
                .withAll(FaultyGeminiScenario.settings("restart-app", topics, dir.resolve(stateDir)))
                .withAll(Map.of("embed.bundle.max.wait", embedWait, "embed.bundle.policy", "fixed"))
                .build()
                .withBootstrapServers(KAFKA.bootstrapServers());
        return config.withGemini(config.gemini().withConnection(simulator.config().apiKey(), simulator.baseUrl()));
    }
}

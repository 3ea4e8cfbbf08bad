package io.github.geministreams.integration.fleet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.PromptMix;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker stops mid-run and comes back: the application retries against the dead broker,
 * then finishes with every prompt exactly once where the test designed it to end. The class
 * has a broker of its own, since it stops it.
 */
class BrokerRestartIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.dedicated();
    private static final int PROMPTS = 3_000;
    /** How long the broker stays down: long enough for every client of the application to fail and retry. */
    private static final Duration DOWNTIME = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldLoseAndDuplicateNothingWhenTheBrokerRestartsMidRun() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .rateLimitErrorRate(0.05)
                .internalErrorRate(0.02)
                .seed(9)
                .build()));
        TestTopics topics = TestTopics.write(dir, "broker", 6);
        AppConfig config = InProcessApps.config(KAFKA.bootstrapServers(), simulator,
                FaultyGeminiScenario.settings("broker-app", topics, dir.resolve("broker-state")));
        InProcessApps.start(closer, config);
        PromptMix mix = PromptMix.of(topics.prompts, PROMPTS, FaultyGeminiScenario.BAD_EVERY);
        TestClients.produce(KAFKA.bootstrapServers(), mix.records());
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                ledger.poll(Duration.ofMillis(100));
                return ledger.records() >= mix.expectedOutcomes() / 3;
            });
            int beforeStop = ledger.records();
            KAFKA.broker().stop();
            Thread.sleep(DOWNTIME.toMillis());
            KAFKA.broker().start();
            try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "broker-app", topics.prompts)) {
                ledger.awaitExactly(mix.expected(), drain, Duration.ofMinutes(4));
            }

            assertTrue(beforeStop < mix.expectedOutcomes(), "the broker stopped before the end");
            var stats = simulator.counters().snapshot();
            System.out.printf("broker restart run: %d prompts, %d outcomes (%d before the broker stopped, %d dead-lettered, "
                            + "all designed), 0 duplicates, 0 lost; repeated Gemini calls: %d prompts, %d embed texts; "
                            + "simulator %s%n", PROMPTS, mix.expectedOutcomes(), beforeStop,
                    ledger.deadLetterReasons().size(), stats.repeatedPrompts(), stats.repeatedEmbedTexts(), stats);
        }
    }
}

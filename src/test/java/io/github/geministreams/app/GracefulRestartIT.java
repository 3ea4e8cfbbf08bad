package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.Fleet;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PromptMix;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An instance stopped with SIGTERM and started again: every prompt ends exactly once where the
 * test designed it to end, and no Gemini call is made twice (what was in flight at the stop is
 * handed over to the restarted instance).
 */
class GracefulRestartIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldRepeatNoGeminiCallAcrossAGracefulRestart() throws Exception {
        Fleet fleet = new Fleet(KAFKA.bootstrapServers(), dir, closer);
        GeminiSimulator simulator = fleet.simulator(SimulatorConfig.builder()
                .latency(Duration.ofMillis(50))
                .jitter(Duration.ofMillis(20))
                .seed(13));
        TestTopics topics = TestTopics.write(dir, "graceful", 6);
        List<String> args = fleet.runArgs("graceful-app", topics, Map.of());
        Path stateDir = dir.resolve("graceful-state");
        AppProcess first = fleet.start("graceful-1", args, stateDir, simulator);
        first.awaitLog("is RUNNING", Duration.ofSeconds(120));
        PromptMix mix = PromptMix.of(topics.prompts, 3_000, FaultyGeminiScenario.BAD_EVERY);
        TestClients.produce(KAFKA.bootstrapServers(), mix.records());
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            int beforeStop = Fleet.awaitAtLeast(ledger, mix.expectedOutcomes() / 3, Duration.ofMinutes(2));
            first.stop(Duration.ofSeconds(90));
            assertTrue(first.logText().contains("gemini-streams stopped"), "a graceful stop:\n" + first.tail());
            AppProcess second = fleet.start("graceful-2", args, stateDir, simulator);
            second.awaitLog("is RUNNING", Duration.ofSeconds(120));
            fleet.awaitExactlyOnce(ledger, mix, "graceful-app", topics, Duration.ofMinutes(3));

            assertTrue(beforeStop < mix.expectedOutcomes(), "the stop came before the end");
            var stats = simulator.counters().snapshot();
            assertEquals(0, stats.repeatedPrompts(), "no prompt was generated twice: " + stats);
            assertEquals(0, stats.repeatedEmbedTexts(), "no text was embedded twice: " + stats);
            System.out.printf("graceful restart run: %d prompts, %d outcomes (%d before SIGTERM), 0 duplicates, "
                    + "repeated Gemini calls: %d prompts, %d embed texts; simulator %s%n", 3_000, mix.expectedOutcomes(),
                    beforeStop, stats.repeatedPrompts(), stats.repeatedEmbedTexts(), stats);
        }
    }
}

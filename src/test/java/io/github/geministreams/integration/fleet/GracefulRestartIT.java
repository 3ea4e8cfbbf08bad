package io.github.geministreams.integration.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.Fleet;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PromptMix;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An instance stopped with SIGTERM and started again: every prompt ends exactly once where the
 * test designed it to end, and no Gemini call is made twice (what was in flight at the stop is
 * handed over to the restarted instance).
 */
class GracefulRestartIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @RegisterExtension
    final Fleet fleet = new Fleet(KAFKA);

    @Test
    void shouldRepeatNoGeminiCallAcrossAGracefulRestart() throws Exception {
        GeminiSimulator simulator = fleet.simulator(SimulatorConfig.builder()
                .latency(Duration.ofMillis(50))
                .jitter(Duration.ofMillis(20))
                .seed(13));
        Fleet.App app = fleet.app("graceful", simulator, Map.of());
        Path stateDir = fleet.dir().resolve("graceful-state");
        AppProcess first = app.start("graceful-1", stateDir);
        first.awaitRunning();
        PromptMix mix = app.produce(3_000);
        try (OutcomeLedger ledger = app.ledger()) {
            int beforeStop = Fleet.awaitAtLeast(ledger, mix.expectedOutcomes() / 3, Duration.ofMinutes(2));
            first.stop(Duration.ofSeconds(90));
            assertTrue(first.logText().contains("gemini-streams stopped"), "a graceful stop:\n" + first.tail());
            AppProcess second = app.start("graceful-2", stateDir);
            second.awaitRunning();
            app.awaitExactlyOnce(ledger, mix, Duration.ofMinutes(3));

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

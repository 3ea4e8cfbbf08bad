package io.github.geministreams.app;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One instance of three is killed with SIGKILL and replaced, under a quota the fleet shares, on
 * the embedded broker with the simulator injecting a few 429s and 500s; every prompt ends
 * exactly once where the test designed it to end (read with read_committed once the
 * application is drained).
 */
class FleetKillIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldKeepEveryPromptExactlyOnceWhenOneOfThreeInstancesIsKilledUnderABindingQuota() throws Exception {
        Fleet fleet = new Fleet(KAFKA.bootstrapServers(), dir, closer);
        int prompts = 6_000;
        // The mix needs about 8,000 quota requests (each embedded text counts, as in the API): 1.3
        // minutes' worth at 6,000 a minute, so the quota binds, and the three instances must share
        // it (taking more, they would meet Gemini's 429s within the first minute).
        long requestsPerMinute = 6_000;
        GeminiSimulator simulator = fleet.fleetSimulator(Duration.ofMillis(500), Duration.ofMillis(400),
                SimulatorConfig.builder().requestsPerMinute(requestsPerMinute), 5);
        TestTopics topics = TestTopics.write(dir, "fleet", 6);
        List<String> args = fleet.runArgs("fleet-app", topics,
                Map.of("gemini.rate.requests.per.minute", String.valueOf(requestsPerMinute)));
        List<AppProcess> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            instances.add(fleet.start("fleet-" + i, args, simulator));
        }
        for (AppProcess instance : instances) {
            instance.awaitLog("is RUNNING", Duration.ofSeconds(120));
        }
        PromptMix mix = PromptMix.of(topics.prompts, prompts, FaultyGeminiScenario.BAD_EVERY);
        long started = System.nanoTime();
        TestClients.produce(KAFKA.bootstrapServers(), mix.records());
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            int beforeKill = Fleet.awaitAtLeast(ledger, mix.expectedOutcomes() / 3, Duration.ofMinutes(3));
            long inFlightAtKill = simulator.counters().itemsInFlight();
            instances.get(1).kill();
            var atKill = simulator.counters().snapshot();
            AppProcess replacement = fleet.start("fleet-replacement", args, simulator);
            replacement.awaitLog("is RUNNING", Duration.ofSeconds(120));
            fleet.awaitExactlyOnce(ledger, mix, "fleet-app", topics, Duration.ofMinutes(6));
            double minutes = (System.nanoTime() - started) / 60e9;

            assertTrue(beforeKill < mix.expectedOutcomes(), "the kill came before the end");
            var stats = simulator.counters().snapshot();
            assertTrue(stats.injected429s() > 0 && stats.errors500() > 0, "faults were injected: " + stats);
            long requests = stats.generateRequests() + stats.batchEmbedRequests();
            assertTrue(stats.quota429s() * 100 < requests, "quota 429s stay under 1% of requests: " + stats);
            List<AppProcess> survivors = new ArrayList<>(instances);
            survivors.remove(1);
            survivors.add(replacement);
            Fleet.assertNoFencing(survivors);
            System.out.printf("fleet run: %d prompts, %d outcomes (%d dead-lettered), 0 duplicates, 0 lost; "
                            + "%d committed before SIGKILL of 1 of 3 instances, %d items at Gemini at the kill (all "
                            + "instances); repeated Gemini calls: %d prompts, %d embed texts; quota %d requests/min: "
                            + "%d quota 429s of %d requests in %.2f min (%.0f requests/min on average); simulator %s; "
                            + "at the kill %s%n", prompts, mix.expectedOutcomes(), ledger.deadLetterReasons().size(),
                    beforeKill, inFlightAtKill, stats.repeatedPrompts(), stats.repeatedEmbedTexts(),
                    requestsPerMinute, stats.quota429s(), requests, minutes, requests / minutes, stats, atKill);
        }
    }
}

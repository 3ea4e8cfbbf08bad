package io.github.geministreams.integration.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.Fleet;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PromptMix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One instance of three is killed with SIGKILL and replaced, under a quota the fleet shares, on
 * the embedded broker with the simulator injecting a few 429s and 500s; every prompt ends
 * exactly once where the test designed it to end (read with read_committed once the
 * application is drained).
 */
class FleetKillIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @RegisterExtension
    final Fleet fleet = new Fleet(KAFKA);

    @Test
    void shouldKeepEveryPromptExactlyOnceWhenOneOfThreeInstancesIsKilledUnderABindingQuota() throws Exception {
        int prompts = 6_000;
        // The mix needs about 8,000 quota requests (each embedded text counts, as in the API): 1.3
        // minutes' worth at 6,000 a minute, so the quota binds, and the three instances must share
        // it (taking more, they would meet Gemini's 429s within the first minute).
        long requestsPerMinute = 6_000;
        GeminiSimulator simulator = fleet.fleetSimulator(Duration.ofMillis(500), Duration.ofMillis(400),
                SimulatorConfig.builder().requestsPerMinute(requestsPerMinute), 5);
        Fleet.App app = fleet.app("fleet", simulator,
                Map.of("gemini.rate.requests.per.minute", String.valueOf(requestsPerMinute)));
        List<AppProcess> instances = app.startRunning("fleet-0", "fleet-1", "fleet-2");
        long started = System.nanoTime();
        PromptMix mix = app.produce(prompts);
        try (OutcomeLedger ledger = app.ledger()) {
            int beforeKill = Fleet.awaitAtLeast(ledger, mix.expectedOutcomes() / 3, Duration.ofMinutes(3));
            long inFlightAtKill = simulator.counters().itemsInFlight();
            instances.get(1).kill();
            var atKill = simulator.counters().snapshot();
            AppProcess replacement = app.start("fleet-replacement");
            replacement.awaitRunning();
            app.awaitExactlyOnce(ledger, mix, Duration.ofMinutes(6));
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

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
 * Instances join one that has a backlog, on the embedded broker with the simulator injecting a
 * few 429s and 500s; every prompt ends exactly once where the test designed it to end (read
 * with read_committed once the application is drained), and the calls in flight on the
 * partitions that move are handed over, not repeated.
 */
class ScaleOutIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @RegisterExtension
    final Fleet fleet = new Fleet(KAFKA);

    /**
     * Two instances join one with a backlog while it has a couple of hundred calls at Gemini
     * (answers take 3–5 s, as generation does): the calls of the partitions that move are handed
     * over, not made again. The quota binds the whole run (the mix needs about 1.4 minutes' worth,
     * so a fleet that took more than its share would meet Gemini's 429s within the first minute),
     * and the instances share it as they join.
     */
    @Test
    void shouldRepeatAlmostNoGeminiCallWhenTwoInstancesJoinOneWithABacklog() throws Exception {
        int prompts = 5_000;
        long requestsPerMinute = 4_800;
        GeminiSimulator simulator = fleet.fleetSimulator(Duration.ofSeconds(3), Duration.ofSeconds(2),
                SimulatorConfig.builder().requestsPerMinute(requestsPerMinute), 3);
        Fleet.App app = fleet.app("scaleout", simulator,
                Map.of("gemini.rate.requests.per.minute", String.valueOf(requestsPerMinute)));
        List<AppProcess> instances = new ArrayList<>(app.startRunning("scaleout-0"));
        PromptMix mix = app.produce(prompts);
        try (OutcomeLedger ledger = app.ledger()) {
            int beforeJoin = Fleet.awaitAtLeast(ledger, mix.expectedOutcomes() / 5, Duration.ofMinutes(3));
            var before = simulator.counters().snapshot();
            long inFlightAtJoin = simulator.counters().itemsInFlight();
            for (int i = 1; i < 3; i++) {
                instances.add(app.start("scaleout-" + i));
            }
            app.awaitExactlyOnce(ledger, mix, Duration.ofMinutes(6));

            assertTrue(beforeJoin < mix.expectedOutcomes() / 2, "the instances joined well before the end");
            var stats = simulator.counters().snapshot();
            long requests = stats.generateRequests() + stats.batchEmbedRequests();
            // Without the handover, the calls in flight on the moving partitions (over a hundred) are made again.
            assertTrue(stats.repeatedItems() * 400 <= prompts, "repeated Gemini calls <= 0.25% of prompts: " + stats);
            assertTrue(stats.quota429s() * 100 < requests, "quota 429s < 1% of requests: " + stats);
            Fleet.assertNoFencing(instances);
            System.out.printf("scale-out run: %d prompts, %d outcomes (%d dead-lettered), 0 duplicates, 0 lost; "
                            + "%d outcomes before 2 instances joined 1 (%d requests sent, %d items at Gemini then); "
                            + "quota %d requests/min; repeated Gemini calls: %d prompts, %d embed texts; quota 429s: %d "
                            + "of %d requests; simulator %s%n", prompts, mix.expectedOutcomes(),
                    ledger.deadLetterReasons().size(), beforeJoin, before.generateRequests() + before.batchEmbedRequests(),
                    inFlightAtJoin, requestsPerMinute, stats.repeatedPrompts(), stats.repeatedEmbedTexts(),
                    stats.quota429s(), requests, stats);
        }
    }
}

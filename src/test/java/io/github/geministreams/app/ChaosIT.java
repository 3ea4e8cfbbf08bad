package io.github.geministreams.app;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.PromptMix;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a fleet meets in production, on the embedded broker with the simulator injecting
 * 429s and 500s: instances joining one with a backlog, an instance of three killed and
 * replaced under a shared quota, a graceful restart ({@link BrokerRestartIT} stops the broker).
 * Every test proves, with read_committed readers once the application is drained, that each
 * prompt ended exactly once per task where the test designed it to end.
 */
class ChaosIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private GeminiSimulator simulator(SimulatorConfig.Builder builder) {
        GeminiSimulator simulator = GeminiSimulator.start(builder.build());
        closer.add(simulator);
        return simulator;
    }

    private AppProcess startInstance(String name, List<String> args, GeminiSimulator simulator) throws Exception {
        Map<String, String> env = AppProcess.simulatorEnvironment(simulator);
        // Logs go to target/, where they outlive the test for a look after a failure.
        Path log = Path.of("target", "chaos-logs", name + ".log");
        AppProcess instance = AppProcess.start(log, env, List.of("-Xmx384m"), args.toArray(String[]::new));
        closer.add(instance);
        return instance;
    }

    private List<String> runArgs(String applicationId, TestTopics topics, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(FaultyGeminiScenario.settings(applicationId, topics, dir.resolve("unused")));
        settings.remove("state.dir"); // each instance gets its own below
        settings.putAll(extra);
        return AppProcess.runArgs(KAFKA.bootstrapServers(), settings);
    }

    private static List<String> withStateDir(List<String> args, Path stateDir) {
        List<String> copy = new ArrayList<>(args);
        copy.addAll(List.of("--set", "state.dir=" + stateDir));
        return copy;
    }

    private static int awaitAtLeast(OutcomeLedger ledger, int records, Duration timeout) {
        await().atMost(timeout).until(() -> {
            ledger.poll(Duration.ofMillis(100));
            return ledger.records() >= records;
        });
        return ledger.records();
    }

    /** Waits until nothing more can come, then asserts each prompt's outcomes exactly once, as designed. */
    private static void awaitExactlyOnce(OutcomeLedger ledger, PromptMix mix, String applicationId, TestTopics topics,
                                         Duration timeout) {
        try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), applicationId, topics.prompts)) {
            ledger.awaitExactly(mix.expected(), drain, timeout);
        }
    }

    /** Lines that show a member fenced or thrown out of the group: work since its last commit is redone. */
    private static final List<String> FENCING = List.of("InvalidProducerEpochException", "ProducerFencedException",
            "missed a rebalance", "is being fenced", "TaskMigratedException");

    private static void assertNoFencing(List<AppProcess> instances) throws java.io.IOException {
        for (AppProcess instance : instances) {
            String log = instance.logText();
            for (String sign : FENCING) {
                assertTrue(!log.contains(sign), "'" + sign + "' in an instance log:\n" + instance.tail());
            }
        }
    }

    /**
     * Second-scale answers, as Gemini gives them, under a quota shared by the fleet. A few
     * injected faults exercise the retries; at a steady 2% or more, 429s would (rightly) make the
     * instances back off, which is not what these tests measure.
     */
    private GeminiSimulator fleetSimulator(Duration latency, Duration jitter, SimulatorConfig.Builder quota, long seed) {
        return simulator(quota
                .latency(latency)
                .jitter(jitter)
                .rateLimitErrorRate(0.005)
                .internalErrorRate(0.01)
                .seed(seed));
    }

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
        GeminiSimulator simulator = fleetSimulator(Duration.ofSeconds(3), Duration.ofSeconds(2),
                SimulatorConfig.builder().requestsPerMinute(requestsPerMinute), 3);
        TestTopics topics = TestTopics.write(dir, "scaleout", 6);
        List<String> args = runArgs("scaleout-app", topics,
                Map.of("gemini.rate.requests.per.minute", String.valueOf(requestsPerMinute)));
        List<AppProcess> instances = new ArrayList<>();
        instances.add(startInstance("scaleout-0", withStateDir(args, dir.resolve("scaleout-state-0")), simulator));
        instances.get(0).awaitLog("is RUNNING", Duration.ofSeconds(120));
        PromptMix mix = PromptMix.of(topics.prompts, prompts, FaultyGeminiScenario.BAD_EVERY);
        TestClients.produce(KAFKA.bootstrapServers(), mix.records());
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            int beforeJoin = awaitAtLeast(ledger, mix.expectedOutcomes() / 5, Duration.ofMinutes(3));
            var before = simulator.counters().snapshot();
            long inFlightAtJoin = simulator.counters().itemsInFlight();
            for (int i = 1; i < 3; i++) {
                instances.add(startInstance("scaleout-" + i, withStateDir(args, dir.resolve("scaleout-state-" + i)),
                        simulator));
            }
            awaitExactlyOnce(ledger, mix, "scaleout-app", topics, Duration.ofMinutes(6));

            assertTrue(beforeJoin < mix.expectedOutcomes() / 2, "the instances joined well before the end");
            var stats = simulator.counters().snapshot();
            long requests = stats.generateRequests() + stats.batchEmbedRequests();
            // Without the handover, the calls in flight on the moving partitions (over a hundred) are made again.
            assertTrue(stats.repeatedItems() * 400 <= prompts, "repeated Gemini calls <= 0.25% of prompts: " + stats);
            assertTrue(stats.quota429s() * 100 < requests, "quota 429s < 1% of requests: " + stats);
            assertNoFencing(instances);
            System.out.printf("scale-out run: %d prompts, %d outcomes (%d dead-lettered), 0 duplicates, 0 lost; "
                            + "%d outcomes before 2 instances joined 1 (%d requests sent, %d items at Gemini then); "
                            + "quota %d requests/min; repeated Gemini calls: %d prompts, %d embed texts; quota 429s: %d "
                            + "of %d requests; simulator %s%n", prompts, mix.expectedOutcomes(),
                    ledger.deadLetterReasons().size(), beforeJoin, before.generateRequests() + before.batchEmbedRequests(),
                    inFlightAtJoin, requestsPerMinute, stats.repeatedPrompts(), stats.repeatedEmbedTexts(),
                    stats.quota429s(), requests, stats);
        }
    }

    @Test
    void shouldKeepEveryPromptExactlyOnceWhenOneOfThreeInstancesIsKilledUnderABindingQuota() throws Exception {
        int prompts = 6_000;
        // The mix needs about 8,000 quota requests (each embedded text counts, as in the API): 1.3
        // minutes' worth at 6,000 a minute, so the quota binds, and the three instances must share
        // it (taking more, they would meet Gemini's 429s within the first minute).
        long requestsPerMinute = 6_000;
        GeminiSimulator simulator = fleetSimulator(Duration.ofMillis(500), Duration.ofMillis(400),
                SimulatorConfig.builder().requestsPerMinute(requestsPerMinute), 5);
        TestTopics topics = TestTopics.write(dir, "fleet", 6);
        List<String> args = runArgs("fleet-app", topics,
                Map.of("gemini.rate.requests.per.minute", String.valueOf(requestsPerMinute)));
        List<AppProcess> instances = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            instances.add(startInstance("fleet-" + i, withStateDir(args, dir.resolve("fleet-state-" + i)), simulator));
        }
        for (AppProcess instance : instances) {
            instance.awaitLog("is RUNNING", Duration.ofSeconds(120));
        }
        PromptMix mix = PromptMix.of(topics.prompts, prompts, FaultyGeminiScenario.BAD_EVERY);
        long started = System.nanoTime();
        TestClients.produce(KAFKA.bootstrapServers(), mix.records());
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            int beforeKill = awaitAtLeast(ledger, mix.expectedOutcomes() / 3, Duration.ofMinutes(3));
            long inFlightAtKill = simulator.counters().itemsInFlight();
            instances.get(1).kill();
            var atKill = simulator.counters().snapshot();
            AppProcess replacement = startInstance("fleet-replacement",
                    withStateDir(args, dir.resolve("fleet-state-replacement")), simulator);
            replacement.awaitLog("is RUNNING", Duration.ofSeconds(120));
            awaitExactlyOnce(ledger, mix, "fleet-app", topics, Duration.ofMinutes(6));
            double minutes = (System.nanoTime() - started) / 60e9;

            assertTrue(beforeKill < mix.expectedOutcomes(), "the kill came before the end");
            var stats = simulator.counters().snapshot();
            assertTrue(stats.injected429s() > 0 && stats.errors500() > 0, "faults were injected: " + stats);
            long requests = stats.generateRequests() + stats.batchEmbedRequests();
            assertTrue(stats.quota429s() * 100 < requests, "quota 429s stay under 1% of requests: " + stats);
            List<AppProcess> survivors = new ArrayList<>(instances);
            survivors.remove(1);
            survivors.add(replacement);
            assertNoFencing(survivors);
            System.out.printf("fleet run: %d prompts, %d outcomes (%d dead-lettered), 0 duplicates, 0 lost; "
                            + "%d committed before SIGKILL of 1 of 3 instances, %d items at Gemini at the kill (all "
                            + "instances); repeated Gemini calls: %d prompts, %d embed texts; quota %d requests/min: "
                            + "%d quota 429s of %d requests in %.2f min (%.0f requests/min on average); simulator %s; "
                            + "at the kill %s%n", prompts, mix.expectedOutcomes(), ledger.deadLetterReasons().size(),
                    beforeKill, inFlightAtKill, stats.repeatedPrompts(), stats.repeatedEmbedTexts(),
                    requestsPerMinute, stats.quota429s(), requests, minutes, requests / minutes, stats, atKill);
        }
    }

    @Test
    void shouldRepeatNoGeminiCallAcrossAGracefulRestart() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder()
                .latency(Duration.ofMillis(50))
                .jitter(Duration.ofMillis(20))
                .seed(13));
        TestTopics topics = TestTopics.write(dir, "graceful", 6);
        List<String> args = withStateDir(runArgs("graceful-app", topics, Map.of()), dir.resolve("graceful-state"));
        AppProcess first = startInstance("graceful-1", args, simulator);
        first.awaitLog("is RUNNING", Duration.ofSeconds(120));
        PromptMix mix = PromptMix.of(topics.prompts, 3_000, FaultyGeminiScenario.BAD_EVERY);
        TestClients.produce(KAFKA.bootstrapServers(), mix.records());
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            int beforeStop = awaitAtLeast(ledger, mix.expectedOutcomes() / 3, Duration.ofMinutes(2));
            first.stop(Duration.ofSeconds(90));
            assertTrue(first.logText().contains("gemini-streams stopped"), "a graceful stop:\n" + first.tail());
            AppProcess second = startInstance("graceful-2", args, simulator);
            second.awaitLog("is RUNNING", Duration.ofSeconds(120));
            awaitExactlyOnce(ledger, mix, "graceful-app", topics, Duration.ofMinutes(3));

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

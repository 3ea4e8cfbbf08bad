package io.github.geministreams.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * gemini-streams instances in JVMs of their own (so that one can be killed with SIGKILL), on one
 * broker and one simulator, for the chaos tests. Whatever it starts is closed by the test's
 * {@link Closer}. Instance logs go to {@code target/chaos-logs/}, where they outlive the test for a
 * look after a failure.
 */
public final class Fleet {
    /** Lines that show a member fenced or thrown out of the group: work since its last commit is redone. */
    private static final List<String> FENCING = List.of("InvalidProducerEpochException", "ProducerFencedException",
            "missed a rebalance", "is being fenced", "TaskMigratedException");

    private final String bootstrapServers;
    private final Path dir;
    private final Closer closer;

    public Fleet(String bootstrapServers, Path dir, Closer closer) {
        this.bootstrapServers = bootstrapServers;
        this.dir = dir;
        this.closer = closer;
    }

    /** A simulator for the test, closed after it. */
    public GeminiSimulator simulator(SimulatorConfig.Builder builder) {
        return closer.add(GeminiSimulator.start(builder.build()));
    }

    /**
     * Second-scale answers, as Gemini gives them, under a quota shared by the fleet. A few
     * injected faults exercise the retries; at a steady 2% or more, 429s would (rightly) make the
     * instances back off, which is not what these tests measure.
     */
    public GeminiSimulator fleetSimulator(Duration latency, Duration jitter, SimulatorConfig.Builder quota, long seed) {
        return simulator(quota
                .latency(latency)
                .jitter(jitter)
                .rateLimitErrorRate(0.005)
                .internalErrorRate(0.01)
                .seed(seed));
    }

    /** The {@code run} arguments of an instance of {@code applicationId}, without its state directory. */
    public List<String> runArgs(String applicationId, TestTopics topics, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(FaultyGeminiScenario.settings(applicationId, topics, dir.resolve("unused")));
        settings.remove("state.dir"); // each instance gets its own: see start
        settings.putAll(extra);
        return AppProcess.runArgs(bootstrapServers, settings);
    }

    /** Starts instance {@code name} with {@code args} and a state directory of its own. */
    public AppProcess start(String name, List<String> args, GeminiSimulator simulator) throws IOException {
        return start(name, args, dir.resolve(name + "-state"), simulator);
    }

    /** Starts instance {@code name} with {@code args} on {@code stateDir} (a restarted instance keeps its own). */
    public AppProcess start(String name, List<String> args, Path stateDir, GeminiSimulator simulator) throws IOException {
        List<String> withStateDir = new ArrayList<>(args);
        withStateDir.addAll(List.of("--set", "state.dir=" + stateDir));
        Path log = Path.of("target", "chaos-logs", name + ".log");
        return closer.add(AppProcess.start(log, AppProcess.simulatorEnvironment(simulator), List.of("-Xmx384m"),
                withStateDir.toArray(String[]::new)));
    }

    /** Polls until the ledger has read at least {@code records}; returns how many it has. */
    public static int awaitAtLeast(OutcomeLedger ledger, int records, Duration timeout) {
        await().atMost(timeout).until(() -> {
            ledger.poll(Duration.ofMillis(100));
            return ledger.records() >= records;
        });
        return ledger.records();
    }

    /** Waits until nothing more can come, then asserts each prompt's outcomes exactly once, as designed. */
    public void awaitExactlyOnce(OutcomeLedger ledger, PromptMix mix, String applicationId, TestTopics topics,
                                 Duration timeout) {
        try (PipelineDrain drain = new PipelineDrain(bootstrapServers, applicationId, topics.prompts)) {
            ledger.awaitExactly(mix.expected(), drain, timeout);
        }
    }

    /** No instance was fenced or thrown out of its group. */
    public static void assertNoFencing(List<AppProcess> instances) throws IOException {
        for (AppProcess instance : instances) {
            String log = instance.logText();
            for (String sign : FENCING) {
                assertTrue(!log.contains(sign), "'" + sign + "' in an instance log:\n" + instance.tail());
            }
        }
    }
}

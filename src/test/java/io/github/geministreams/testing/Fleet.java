package io.github.geministreams.testing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * gemini-streams instances in JVMs of their own (so that one can be killed with SIGKILL), on one
 * broker and one simulator, for the chaos tests:
 * {@code @RegisterExtension final Fleet fleet = new Fleet(KAFKA);} then, in the test,
 * {@code fleet.app(name, simulator, settings)}, which writes the topics and gives the {@link App}
 * whose instances it starts, whose prompts it produces and whose outcomes it checks.
 *
 * <p>Each test has a directory of its own ({@link #dir()}: topics files, state directories), deleted
 * after it; whatever the fleet started is closed after the test, newest first, even when it failed.
 * Instance logs go to {@code target/chaos-logs/}, where they outlive the test for a look after a
 * failure. Used from the test's thread only.
 */
public final class Fleet implements BeforeEachCallback, AfterEachCallback {
    /** Lines that show a member fenced or thrown out of the group: work since its last commit is redone. */
    private static final List<String> FENCING = List.of("InvalidProducerEpochException", "ProducerFencedException",
            "missed a rebalance", "is being fenced", "TaskMigratedException");

    private final EmbeddedKafkaExtension kafka;
    private final Closer closer = new Closer();
    private Path dir;

    /** The fleet of each test of the class, on {@code kafka}'s broker. */
    public Fleet(EmbeddedKafkaExtension kafka) {
        this.kafka = kafka;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("fleet");
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try {
            closer.afterEach(context);
        } finally {
            if (dir != null) {
                Utils.delete(dir.toFile());
                dir = null;
            }
        }
    }

    /** The test's own directory, deleted after it. */
    public Path dir() {
        return dir;
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

    /**
     * Application {@code <name>-app} on topics of its own ({@code <name>-prompts}, six partitions,
     * and so on), with the {@link FaultyGeminiScenario#settings} and then {@code settings}, its
     * instances calling {@code simulator}.
     */
    public App app(String name, GeminiSimulator simulator, Map<String, String> settings) throws IOException {
        TestTopics topics = TestTopics.write(dir, name, 6);
        String applicationId = name + "-app";
        return new App(applicationId, topics, runArgs(applicationId, topics, settings), simulator);
    }

    /** The {@code run} arguments of an instance of {@code applicationId}, without its state directory. */
    public List<String> runArgs(String applicationId, TestTopics topics, Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(FaultyGeminiScenario.settings(applicationId, topics, dir.resolve("unused")));
        settings.remove("state.dir"); // each instance gets its own: see start
        settings.putAll(extra);
        return AppProcess.runArgs(kafka.bootstrapServers(), settings);
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

    /** No instance was fenced or thrown out of its group. */
    public static void assertNoFencing(List<AppProcess> instances) throws IOException {
        for (AppProcess instance : instances) {
            String log = instance.logText();
            for (String sign : FENCING) {
                assertTrue(!log.contains(sign), "'" + sign + "' in an instance log:\n" + instance.tail());
            }
        }
    }

    /** An application of the fleet: its topics, the instances it starts and what it reads and writes. */
    public final class App {
        private final String applicationId;
        private final TestTopics topics;
        private final List<String> args;
        private final GeminiSimulator simulator;

        private App(String applicationId, TestTopics topics, List<String> args, GeminiSimulator simulator) {
            this.applicationId = applicationId;
            this.topics = topics;
            this.args = List.copyOf(args);
            this.simulator = simulator;
        }

        /** Starts instance {@code name} with a state directory of its own; does not wait for it. */
        public AppProcess start(String name) throws IOException {
            return Fleet.this.start(name, args, simulator);
        }

        /** Starts instance {@code name} on {@code stateDir} (a restarted instance keeps its own); does not wait. */
        public AppProcess start(String name, Path stateDir) throws IOException {
            return Fleet.this.start(name, args, stateDir, simulator);
        }

        /** Starts every instance of {@code names} at once, then waits until each one is RUNNING. */
        public List<AppProcess> startRunning(String... names) throws IOException {
            List<AppProcess> instances = new ArrayList<>();
            for (String name : names) {
                instances.add(start(name));
            }
            instances.forEach(AppProcess::awaitRunning);
            return instances;
        }

        /** Produces a {@link PromptMix} of {@code prompts} to the prompts topic, bad input among them; returns it. */
        public PromptMix produce(int prompts) {
            PromptMix mix = PromptMix.of(topics.prompts, prompts, FaultyGeminiScenario.BAD_EVERY);
            TestClients.produce(kafka.bootstrapServers(), mix.records());
            return mix;
        }

        /** A ledger of the application's outcomes, for the test to close. */
        public OutcomeLedger ledger() {
            return new OutcomeLedger(kafka.bootstrapServers(), topics.responses, topics.embeddings, topics.deadLetter);
        }

        /** Waits until nothing more can come, then asserts each prompt's outcomes exactly once, as designed. */
        public void awaitExactlyOnce(OutcomeLedger ledger, PromptMix mix, Duration timeout) {
            try (PipelineDrain drain = new PipelineDrain(kafka.bootstrapServers(), applicationId, topics.prompts)) {
                ledger.awaitExactly(mix.expected(), drain, timeout);
            }
        }
    }
}

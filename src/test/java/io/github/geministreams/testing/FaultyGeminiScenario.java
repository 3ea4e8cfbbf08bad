package io.github.geministreams.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The pipeline's end-to-end scenario, for any broker (the embedded one, a Testcontainers
 * one): a simulator injecting 429s with retry delays and 500s, a mix of 2,000 prompts with
 * bad input among them, and the proof, read with read_committed, that every prompt ended
 * exactly once per task in responses, embeddings or dead-letter.
 */
public final class FaultyGeminiScenario {
    public static final int PROMPTS = 2_000;
    public static final int BAD_EVERY = 50;

    private FaultyGeminiScenario() {
    }

    /** The simulator of the scenario: 20 ms latency plus jitter, 5% 429s, 3% 500s. */
    public static GeminiSimulator faultySimulator() {
        return GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .jitter(Duration.ofMillis(20))
                .rateLimitErrorRate(0.05)
                .internalErrorRate(0.03)
                .seed(42)
                .build());
    }

    /** Settings for a test run: fast retries, enough attempts that injected faults rarely exhaust them. */
    public static Map<String, String> settings(String applicationId, TestTopics topics, Path stateDir) {
        return Map.ofEntries(
                Map.entry("application.id", applicationId),
                Map.entry("topics.file", topics.file.toString()),
                Map.entry("state.dir", stateDir.toString()),
                Map.entry("metrics.port", "0"),
                Map.entry("gemini.max.attempts", "10"),
                Map.entry("gemini.retry.initial.backoff", "20ms"),
                Map.entry("gemini.retry.max.backoff", "200ms"),
                Map.entry("embed.bundle.max.wait", "50ms"),
                Map.entry("session.timeout.ms", "6000"),
                Map.entry("heartbeat.interval.ms", "1000"));
    }

    /**
     * Runs the whole scenario against {@code bootstrapServers} with one in-process instance and
     * asserts its promises; returns the line of figures it measured.
     */
    public static String run(String bootstrapServers, Path dir, String name) throws Exception {
        try (GeminiSimulator simulator = faultySimulator()) {
            TestTopics topics = TestTopics.write(dir, name, 6);
            AppConfig config = InProcessApps.config(bootstrapServers, simulator,
                    settings(name + "-app", topics, dir.resolve(name + "-state")));
            PromptMix mix = PromptMix.of(topics.prompts, PROMPTS, BAD_EVERY);
            int deadLettered;
            try (GeminiClient client = GeminiClients.create(config);
                 StreamsApplication app = new StreamsApplication(config, client)) {
                app.start(Duration.ofSeconds(90));
                TestClients.produce(bootstrapServers, mix.records());
                try (OutcomeLedger ledger = new OutcomeLedger(bootstrapServers, topics.responses, topics.embeddings,
                        topics.deadLetter);
                     PipelineDrain drain = new PipelineDrain(bootstrapServers, name + "-app", topics.prompts)) {
                    ledger.awaitExactly(mix.expected(), drain, Duration.ofMinutes(3));
                    deadLettered = ledger.deadLetterReasons().size();
                }
            }
            var stats = simulator.counters().snapshot();
            assertTrue(stats.injected429s() > 0, "the simulator injected 429s: " + stats);
            assertTrue(stats.errors500() > 0, "the simulator injected 500s: " + stats);
            return String.format("%s run: %d prompts, %d outcomes (%d dead-lettered, all designed), 0 duplicates, 0 lost, "
                    + "simulator %s",
                    name, PROMPTS, mix.expectedOutcomes(), deadLettered, stats);
        }
    }
}

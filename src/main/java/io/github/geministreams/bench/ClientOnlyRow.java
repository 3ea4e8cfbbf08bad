package io.github.geministreams.bench;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.pacing.GeminiPacing;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorCounters;
import io.github.geministreams.topology.InstanceServices;

/**
 * The client-only row: the Gemini client stack of one gemini-streams instance (the
 * google-genai client over HTTP and the pipeline's {@link GeminiPacing} with its retries,
 * rate limits and request permits), built from the same configuration, driving the simulator
 * with the same prompts and no Kafka at all. It measures what this machine and the SDK can
 * do, which no gemini-streams row can beat.
 *
 * <p>The pacing keeps the whole quota, as an instance that owns every prompts partition does.
 */
final class ClientOnlyRow {
    private final BenchScenario scenario;
    private final AppConfig config;
    private final GeminiSimulator simulator;

    ClientOnlyRow(BenchScenario scenario, AppConfig config, GeminiSimulator simulator) {
        this.scenario = scenario;
        this.config = config;
        this.simulator = simulator;
    }

    /** Warms up, resets the simulator's counters, then measures the scenario's prompts. */
    RowResult measure(String name) throws InterruptedException {
        GeminiClient client = GeminiClients.create(config);
        try (client; InstanceServices services = new InstanceServices(config, client)) {
            warmUp(name, services.pacing());
            simulator.reset();
            long retriesBefore = services.metrics().retries();
            try (HeapSampler heap = HeapSampler.start()) {
                ClientLoad load = new ClientLoad(services.pacing(), config, PromptSequence.measured(scenario.workload(),
                        scenario.prompts(), scenario.promptTokens(), scenario.duplicateShare()));
                boolean complete = load.run(scenario.rate(), scenario.rowTimeout());
                SimulatorCounters.Snapshot stats = simulator.counters().snapshot();
                long requests = stats.generateRequests() + stats.batchEmbedRequests();
                // No duplicates: each call's future completes once, so no prompt is answered twice.
                return new RowResult(name, scenario.prompts(), load.outputs(), load.failed(), 0, load.seconds(),
                        load.outputs() / load.seconds(),
                        load.latencyMillis(50), load.latencyMillis(95), load.latencyMillis(99),
                        (double) requests / scenario.prompts(),
                        stats.batchEmbedRequests() == 0 ? Double.NaN : (double) stats.itemsEmbedded() / stats.batchEmbedRequests(),
                        (double) (stats.promptsGenerated() + stats.itemsEmbedded()) / scenario.prompts(),
                        load.costPer1000Prompts(),
                        stats.total429s(), services.metrics().retries() - retriesBefore, heap.peakBytes(), complete);
            }
        }
    }

    /** The first calls pay for connections, class loading and the JIT; they are left out of every figure. */
    private void warmUp(String name, GeminiPacing pacing) throws InterruptedException {
        if (scenario.warmupPrompts() <= 0) {
            return;
        }
        ClientLoad warmup = new ClientLoad(pacing, config,
                PromptSequence.warmUp(scenario.workload(), scenario.warmupPrompts(), scenario.promptTokens()));
        if (!warmup.run(0, scenario.rowTimeout())) {
            throw new IllegalStateException("The " + name + " row did not answer its " + scenario.warmupPrompts()
                    + " warm-up prompts within " + scenario.rowTimeout().toSeconds() + " s");
        }
    }
}

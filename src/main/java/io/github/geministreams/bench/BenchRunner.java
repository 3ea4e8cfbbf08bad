package io.github.geministreams.bench;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.local.EmbeddedKafkaBroker;
import io.github.geministreams.model.Mode;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.simulator.SimulatorCounters;
import io.github.geministreams.topics.TopicPlan;
import io.github.geministreams.topics.TopicProvisioner;
import io.github.geministreams.topics.TopicRole;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * Runs a {@link BenchScenario}: one embedded broker and one Gemini simulator for the whole
 * run, then each row in turn (the Kafka rows on topics of their own), with the simulator's
 * counters reset in between. Everything runs in this JVM; rows run one at a time.
 */
public final class BenchRunner implements AutoCloseable {
    static final String GEMINI_STREAMS_ROW = "gemini-streams x";
    static final String KEY_ORDERED_ROW = "key-ordered x1";
    /** gemini-streams, one instance, with every prompt in batch mode. */
    static final String BATCH_MODE_ROW = "batch-mode x1";
    static final String CLIENT_ONLY_ROW = "client-only";
    static final String NAIVE_ROW = "naive sync SDK";
    static final String PASSTHROUGH_ROW = "passthrough";
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);
    private static final String WARMUP_PREFIX = "warmup-";
    /**
     * The batch-mode row's job settings unless {@code --set} says otherwise: a bench row of a few
     * thousand prompts fills no job of 1,000 per task, so jobs start after a short wait, and
     * results are looked for often enough that polling adds little to the turnaround.
     */
    private static final Map<String, String> BATCH_ROW_DEFAULTS = Map.of(
            "gemini.batch.max.wait", "2s",
            "gemini.batch.poll.initial", "1s",
            "gemini.batch.poll.max", "5s");

    private final BenchScenario scenario;
    private final PrintStream progress;
    private final EmbeddedKafkaBroker broker;
    private final GeminiSimulator simulator;
    private final Path stateRoot;

    public BenchRunner(BenchScenario scenario, PrintStream progress) throws IOException {
        this.scenario = scenario;
        this.progress = progress;
        this.stateRoot = Files.createTempDirectory("gemini-streams-bench-");
        this.broker = EmbeddedKafkaBroker.builder().port(0).build();
        broker.start();
        this.simulator = GeminiSimulator.start(SimulatorConfig.builder()
                .latency(scenario.latency())
                .jitter(scenario.jitter())
                .requestsPerMinute(scenario.requestsPerMinute())
                .tokensPerMinute(scenario.tokensPerMinute())
                .batchItemsCountAsRequests(!scenario.batchCountsOnce())
                .rateLimitErrorRate(scenario.rateLimitErrorRate())
                .internalErrorRate(scenario.serverErrorRate())
                .batchTurnaround(scenario.batchTurnaround())
                .build());
    }

    /** Measures every row the scenario asks for. */
    public BenchResult run() throws Exception {
        AppConfig base = appConfig("bench-gemini-streams-1-");
        int batchSize = base.pipeline().embedBundle().size();
        List<RowResult> rows = new ArrayList<>();
        if (scenario.rows().contains(BenchRow.GEMINI_STREAMS)) {
            rows.add(geminiStreams(1, base));
            if (scenario.instances() > 1) {
                rows.add(geminiStreams(scenario.instances(), appConfig("bench-gemini-streams-" + scenario.instances() + "-")));
            }
            if (scenario.mode() == Mode.BATCH) {
                rows.add(batchMode());
            }
        }
        if (scenario.rows().contains(BenchRow.KEY_ORDERED)) {
            rows.add(keyOrdered());
        }
        OptionalDouble clientOnly = OptionalDouble.empty();
        if (scenario.rows().contains(BenchRow.CLIENT_ONLY)) {
            RowResult row = clientOnly();
            rows.add(row);
            clientOnly = OptionalDouble.of(row.itemsPerSecond());
        }
        Ceiling ceiling = Ceiling.of(scenario, batchSize, clientOnly);
        Map<String, Ceiling> ceilings = new HashMap<>();
        rows.stream().map(RowResult::name).filter(name -> name.startsWith(GEMINI_STREAMS_ROW))
                .forEach(name -> ceilings.put(name, ceiling));
        if (scenario.rows().contains(BenchRow.NAIVE)) {
            rows.add(naive(base));
        }
        if (scenario.rows().contains(BenchRow.PASSTHROUGH)) {
            rows.add(passthrough());
        }
        return new BenchResult(scenario, base.pipeline().embedBundle(), rows, ceilings);
    }

    private RowResult geminiStreams(int instances, AppConfig config) throws Exception {
        return measureGeminiStreams(GEMINI_STREAMS_ROW + instances, config, instances, "gemini-streams-" + instances,
                Mode.ONLINE);
    }

    /** A row of gemini-streams itself: {@code instances} instances of {@code config}, prompts in {@code mode}. */
    private RowResult measureGeminiStreams(String row, AppConfig config, int instances, String stateDir, Mode mode)
            throws Exception {
        TopicPlan topics = config.topics();
        return measure(row, scenario.prompts(), new GeminiStreamsSubject(config, instances, stateRoot.resolve(stateDir)),
                topics.name(TopicRole.PROMPTS),
                List.of(topics.name(TopicRole.RESPONSES), topics.name(TopicRole.EMBEDDINGS), topics.name(TopicRole.DEAD_LETTER)),
                topics.name(TopicRole.DEAD_LETTER), mode);
    }

    /** gemini-streams, one instance, on topics of its own, every prompt asking for batch mode. */
    private RowResult batchMode() throws Exception {
        return measureGeminiStreams(BATCH_MODE_ROW, appConfig("bench-batch-mode-", batchRowSettings(scenario.settings())),
                1, "batch-mode", Mode.BATCH);
    }

    /** The batch-mode row's settings: {@link #BATCH_ROW_DEFAULTS} under the scenario's own. */
    static Map<String, String> batchRowSettings(Map<String, String> scenarioSettings) {
        Map<String, String> settings = new HashMap<>(BATCH_ROW_DEFAULTS);
        settings.putAll(scenarioSettings);
        return settings;
    }

    /** gemini-streams with ordering=key on topics of its own. */
    private RowResult keyOrdered() throws Exception {
        return measureGeminiStreams(KEY_ORDERED_ROW, appConfig("bench-key-ordered-", Map.of("ordering", "key")), 1,
                "key-ordered", Mode.ONLINE);
    }

    /** Builds its Gemini client stack from a configuration of its own, as another gemini-streams instance would. */
    private RowResult clientOnly() throws InterruptedException {
        announce(CLIENT_ONLY_ROW, scenario.prompts());
        RowResult row = new ClientOnlyRow(scenario, appConfig("bench-client-only-"), simulator).measure(CLIENT_ONLY_ROW);
        reportProgress(row);
        return row;
    }

    private RowResult naive(AppConfig config) throws Exception {
        TopicPlan topics = provision("bench-naive-");
        String prompts = topics.name(TopicRole.PROMPTS);
        String output = topics.name(TopicRole.RESPONSES);
        return measure(NAIVE_ROW, Math.min(scenario.prompts(), scenario.baselinePrompts()),
                new NaiveSdkSubject(broker.clientProperties(), "bench-naive", prompts, output,
                        stateRoot.resolve("naive"), config.gemini(), config.prices()),
                prompts, List.of(output), null, null);
    }

    private RowResult passthrough() throws Exception {
        TopicPlan topics = provision("bench-passthrough-");
        String prompts = topics.name(TopicRole.PROMPTS);
        String output = topics.name(TopicRole.RESPONSES);
        return measure(PASSTHROUGH_ROW, scenario.prompts(),
                new PassthroughSubject(broker.clientProperties(), "bench-passthrough", prompts, output,
                        stateRoot.resolve("passthrough")),
                prompts, List.of(output), null, null);
    }

    /** @param mode the prompts' mode; null for a baseline, which knows none */
    private RowResult measure(String name, int prompts, BenchSubject subject, String promptsTopic,
                              List<String> outputTopics, String deadLetterTopic, Mode mode) throws Exception {
        announce(name, prompts);
        ConcurrentMap<String, Long> sentAt = new ConcurrentHashMap<>();
        PromptLoad load = new PromptLoad(broker.clientProperties(), scenario.keys(), mode);
        PromptSequence sequence = PromptSequence.measured(scenario.workload(), prompts, scenario.promptTokens(),
                scenario.duplicateShare());
        try (subject; OutputWatcher watcher = startWatching(subject, outputTopics, deadLetterTopic, sentAt)) {
            warmUp(name, load, watcher, promptsTopic);
            simulator.reset();
            long retriesBefore = Math.max(0, subject.retries());
            try (HeapSampler heap = HeapSampler.start()) {
                long firstSent = System.currentTimeMillis();
                CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                    try {
                        load.produce(promptsTopic, name.replace(' ', '-') + "-", sequence, scenario.rate(), sentAt);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while producing", e);
                    }
                });
                boolean complete = watcher.awaitOutputs(prompts, scenario.rowTimeout());
                producing.get(1, TimeUnit.MINUTES);
                SimulatorCounters.Snapshot stats = simulator.counters().snapshot();
                double seconds = Math.max(1, watcher.lastOutputMillis() - firstSent) / 1000.0;
                long requests = stats.generateRequests() + stats.batchEmbedRequests();
                RowResult row = new RowResult(name, prompts, watcher.outputs(), watcher.deadLettered(),
                        watcher.duplicates(), seconds, watcher.distinct() / seconds,
                        watcher.latencyMillis(50), watcher.latencyMillis(95), watcher.latencyMillis(99),
                        (double) requests / prompts,
                        stats.batchEmbedRequests() == 0 ? Double.NaN : (double) stats.itemsEmbedded() / stats.batchEmbedRequests(),
                        // As Gemini bills: each prompt generated, each text embedded, each request of a batch job.
                        (double) (stats.promptsGenerated() + stats.itemsEmbedded() + stats.batchRequestsSubmitted()) / prompts,
                        watcher.costPer1000Prompts(prompts),
                        stats.total429s(), subject.retries() < 0 ? -1 : subject.retries() - retriesBefore,
                        heap.peakBytes(), complete);
                reportProgress(row);
                return row;
            }
        }
    }

    private void announce(String name, int prompts) {
        progress.printf("bench: %s, %d prompts%s ...%n", name, prompts,
                scenario.rate() > 0 ? String.format(" at %.1f/s", scenario.rate()) : " at once");
    }

    private void reportProgress(RowResult row) {
        progress.printf("bench: %s: %.1f items/s, p50 %d ms, p99 %d ms%s%n", row.name(), row.itemsPerSecond(),
                row.p50Millis(), row.p99Millis(), row.complete() ? "" : " (INCOMPLETE: " + (row.outputs() - row.duplicates())
                        + " of " + row.prompts() + " prompts answered within " + scenario.rowTimeout().toSeconds() + " s)");
    }

    private OutputWatcher startWatching(BenchSubject subject, List<String> outputTopics, String deadLetterTopic,
                                        ConcurrentMap<String, Long> sentAt) throws Exception {
        subject.start();
        return new OutputWatcher(broker.clientProperties(), outputTopics, deadLetterTopic, sentAt, WARMUP_PREFIX);
    }

    /**
     * Sends the warm-up prompts and waits for their outputs before anything is measured: the
     * first requests pay for connections, class loading and the JIT, which would otherwise
     * land in the row's slowest percentiles. Their outputs are left out of every figure.
     */
    private void warmUp(String name, PromptLoad load, OutputWatcher watcher, String promptsTopic) throws Exception {
        if (scenario.warmupPrompts() <= 0) {
            return;
        }
        load.produce(promptsTopic, WARMUP_PREFIX,
                PromptSequence.warmUp(scenario.workload(), scenario.warmupPrompts(), scenario.promptTokens()), 0,
                new ConcurrentHashMap<>());
        if (!watcher.awaitWarmup(scenario.warmupPrompts(), scenario.rowTimeout())) {
            throw new IllegalStateException("The " + name + " row did not answer its " + scenario.warmupPrompts()
                    + " warm-up prompts within " + scenario.rowTimeout().toSeconds() + " s");
        }
    }

    private AppConfig appConfig(String prefix) {
        return appConfig(prefix, Map.of());
    }

    /** The scenario's configuration for a row on topics under {@code prefix}, with {@code rowSettings} on top. */
    private AppConfig appConfig(String prefix, Map<String, String> rowSettings) {
        Map<String, String> settings = new HashMap<>();
        settings.put("application.id", prefix + "app");
        settings.put("metrics.port", "-1");
        settings.put("max.in.flight", String.valueOf(scenario.maxInFlight()));
        settings.put("gemini.rate.requests.per.minute", String.valueOf(scenario.requestsPerMinute()));
        settings.put("gemini.rate.tokens.per.minute", String.valueOf(scenario.tokensPerMinute()));
        settings.put("gemini.rate.embed.texts.count.as.requests", String.valueOf(!scenario.batchCountsOnce()));
        // Each row measures on a fresh simulator quota (reset after the warm-up), which nobody
        // spent in the last minute: nothing for a gained share to be assumed spent by.
        settings.put("gemini.quota.gained.share.assumed.spent", "false");
        settings.putAll(scenario.settings());
        settings.putAll(rowSettings);
        AppConfig config = ConfigLayers.defaults().withAll(settings).build()
                .withBootstrapServers(broker.bootstrapServers())
                .withTopics(TopicPlan.builtIn().withPrefix(prefix));
        return config.withGemini(config.gemini().withConnection(simulator.config().apiKey(), simulator.baseUrl()));
    }

    /**
     * A baseline's topics: the same plan as gemini-streams' (so the same partitions) under
     * {@code prefix}, created and ready to serve. A baseline reads the prompts topic and
     * writes the responses topic.
     */
    private TopicPlan provision(String prefix) {
        TopicPlan topics = TopicPlan.builtIn().withPrefix(prefix);
        try (Admin admin = Admin.create(broker.clientProperties())) {
            new TopicProvisioner(admin, TOPIC_TIMEOUT).ensure(topics);
        }
        return topics;
    }

    @Override
    public void close() throws IOException {
        simulator.close();
        broker.close();
        try (var paths = Files.walk(stateRoot)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

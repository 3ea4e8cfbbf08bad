package io.github.geministreams.cli;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.Durations;
import io.github.geministreams.config.GeminiBackend;
import io.github.geministreams.config.Setting;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.local.EmbeddedKafkaBroker;
import io.github.geministreams.prompt.PromptCatalog;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.topics.TopicRole;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gemini-streams local}: everything in one process on this machine. An embedded
 * Kafka broker, the Gemini simulator (or the real API when {@code GEMINI_API_KEY} is set),
 * the application, the sample prompts, and the outputs printed as they arrive. Runs until
 * Ctrl-C, then stops everything in reverse order.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Run an embedded Kafka broker, the Gemini simulator (unless GEMINI_API_KEY is set) and the "
                + "application in one process; produce the sample prompts and print results as they arrive.")
final class LocalCommand implements Callable<Integer> {
    private static final String SAMPLES = "/io/github/geministreams/samples/prompts.jsonl";
    /** The prompts file the samples refer to (their template and schema), unless prompts.file names another. */
    private static final String SAMPLES_PROMPTS_FILE = "/io/github/geministreams/samples/prompts.yaml";
    /** How long a batch-mode prompt waits for its job, and the first poll, against the simulator. */
    private static final Duration LOCAL_BATCH_WAIT = Duration.ofSeconds(2);
    private static final Duration LOCAL_BATCH_POLL = Duration.ofSeconds(1);
    private static final Duration STATUS_INTERVAL = Duration.ofSeconds(1);

    @Mixin
    ConfigOptions options;

    @Option(names = "--port", defaultValue = "9092",
            description = "Broker port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Broker data directory, kept across runs (default: a temporary one, deleted on exit).")
    Path dataDir;

    @Option(names = "--prompts", paramLabel = "FILE",
            description = "Prompts to produce at start (text or JSONL; default: the sample prompts in the jar).")
    Path prompts;

    @Option(names = "--no-samples", description = "Produce nothing at start.")
    boolean noSamples;

    @Option(names = "--simulator-latency", defaultValue = "200ms", converter = DurationConverter.class,
            description = "Latency of the simulated Gemini API (default: ${DEFAULT-VALUE}).")
    Duration simulatorLatency;

    @Mixin
    ModelFaultOptions modelFaults = new ModelFaultOptions();

    @Mixin
    BatchSimulatorOptions batch = new BatchSimulatorOptions();

    @Option(names = "--quiet", description = "Do not print the outputs.")
    boolean quiet;

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "gemini-streams-local-shutdown"));
        EmbeddedKafkaBroker broker = startBroker();
        AppConfig config = options.load().withBootstrapServers(broker.bootstrapServers());
        if (config.stateDir().isEmpty()) {
            config = config.withStateDir(own(Files.createTempDirectory("gemini-streams-state-")));
        }
        if (config.prompts() == PromptCatalog.EMPTY) {
            config = config.withPrompts(PromptCatalog.fromResource(SAMPLES_PROMPTS_FILE));
        }
        String gemini;
        if (config.gemini().backend() == GeminiBackend.VERTEX_AI) {
            GeminiClients.requireCredentials(config);
            gemini = "Vertex AI" + config.gemini().baseUrl().map(url -> " at " + url).orElse("");
        } else if (config.gemini().hasApiKey()) {
            gemini = "the real Gemini API" + config.gemini().baseUrl().map(url -> " at " + url).orElse("");
        } else {
            GeminiSimulator simulator = keep(GeminiSimulator.start(batch.applyTo(SimulatorConfig.builder())
                    .latency(simulatorLatency).modelFaults(modelFaults.faults()).build()));
            config = config.withGemini(config.gemini().withConnection(simulator.config().apiKey(), simulator.baseUrl()));
            if (config.batchMode().maxWait().equals(Durations.parse(Setting.BATCH_MAX_WAIT.defaultValue()))) {
                // The simulator's batch jobs end in seconds: cut and poll them in seconds too, unless configured.
                config = config.withBatchMode(config.batchMode().withTiming(LOCAL_BATCH_WAIT, LOCAL_BATCH_POLL));
            }
            gemini = "the Gemini simulator at " + simulator.baseUrl() + " (set GEMINI_API_KEY for the real API)";
        }
        GeminiClient client = keep(GeminiClients.create(config));
        StreamsApplication app = keep(new StreamsApplication(config, client));
        app.start(Duration.ofMinutes(2));
        printBanner(out, broker, config, gemini, app);
        keep(LiveStatus.startIfTerminal(app.meters(), System.err, STATUS_INTERVAL));
        if (!quiet) {
            OutputPrinter printer = keep(new OutputPrinter(config.clientProperties(), config.topics(), out));
            printer.start();
        }
        if (!noSamples) {
            String topic = config.topics().name(TopicRole.PROMPTS);
            try (PromptProducer producer = new PromptProducer(config.clientProperties(), topic,
                    new PromptLine(PromptLine.Format.AUTO, List.of()));
                 BufferedReader reader = openPrompts()) {
                long produced = producer.send(reader, line -> { });
                out.println("Produced " + produced + " prompts to '" + topic + "'"
                        + (prompts == null ? " (the samples shipped in the jar)" : " from " + prompts));
            }
        }
        app.awaitTermination();
        return 0;
    }

    private BufferedReader openPrompts() throws IOException {
        if (prompts != null) {
            return Files.newBufferedReader(prompts, StandardCharsets.UTF_8);
        }
        InputStream samples = LocalCommand.class.getResourceAsStream(SAMPLES);
        if (samples == null) {
            throw new IllegalStateException("The sample prompts are missing from the jar at " + SAMPLES);
        }
        return new BufferedReader(new InputStreamReader(samples, StandardCharsets.UTF_8));
    }

    private EmbeddedKafkaBroker startBroker() {
        EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(port);
        if (dataDir != null) {
            builder.dataDirectory(dataDir);
        }
        EmbeddedKafkaBroker broker = keep(builder.build());
        try {
            broker.start();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker on port " + port + ": "
                    + e.getMessage() + (port != 0 ? " (is the port in use? try --port 0)" : ""), e);
        }
        return broker;
    }

    private static void printBanner(PrintStream out, EmbeddedKafkaBroker broker, AppConfig config, String gemini,
                                    StreamsApplication app) {
        String bootstrap = broker.bootstrapServers();
        String prompts = config.topics().name(TopicRole.PROMPTS);
        String responses = config.topics().name(TopicRole.RESPONSES);
        out.println();
        out.println("gemini-streams local is running.");
        out.println("  Kafka bootstrap:  " + bootstrap + "   (data: " + broker.dataDirectory() + ")");
        out.println("  Gemini:           " + gemini);
        out.println("  Produce:          echo 'Why is the sky blue?' | kcat -P -b " + bootstrap + " -t " + prompts);
        out.println("                    java -jar target/gemini-streams.jar produce --bootstrap-servers " + bootstrap + " FILE");
        out.println("  Consume:          kcat -C -b " + bootstrap + " -t " + responses + " -X isolation.level=read_committed");
        out.println("                    java -jar target/gemini-streams.jar consume --bootstrap-servers " + bootstrap);
        app.metricsPort().ifPresent(metricsPort -> out.println("  Metrics:          curl http://localhost:" + metricsPort
                + "/metrics   (health: /health)"));
        out.println("  Stop:             Ctrl-C");
        out.println();
    }

    private <T extends AutoCloseable> T keep(T resource) {
        synchronized (resources) {
            resources.push(resource);
        }
        return resource;
    }

    private Path own(Path temporaryDirectory) {
        keep(() -> deleteRecursively(temporaryDirectory));
        return temporaryDirectory;
    }

    /** Closes in reverse order of creation: printer, application, client, simulator, broker. */
    private void closeAll() {
        synchronized (resources) {
            while (!resources.isEmpty()) {
                try {
                    resources.pop().close();
                } catch (Exception e) {
                    System.err.println("gemini-streams local: while stopping: " + e);
                }
            }
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}

package io.github.geministreams.cli;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gemini-streams simulator}: the Gemini simulator alone, for pointing a {@code run}
 * (or any google-genai client) at it. Runs until Ctrl-C.
 */
@Command(name = "simulator", mixinStandardHelpOptions = true,
        description = "Run the Gemini API simulator (generateContent, batchEmbedContents, the Batch API) on its own and print its URL.")
final class SimulatorCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "localhost", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8089", description = "Port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--api-key", defaultValue = "simulator-key",
            description = "The key clients must send (default: ${DEFAULT-VALUE}).")
    String apiKey;

    @Option(names = "--latency", defaultValue = "200ms", converter = DurationConverter.class,
            description = "Fixed latency of every request (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--jitter", defaultValue = "0ms", converter = DurationConverter.class,
            description = "Extra random latency, uniform between 0 and this (default: ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(names = "--requests-per-minute", defaultValue = "0",
            description = "Quota enforced with 429s; 0 = none (default: ${DEFAULT-VALUE}).")
    long requestsPerMinute;

    @Option(names = "--tokens-per-minute", defaultValue = "0",
            description = "Quota enforced with 429s; 0 = none (default: ${DEFAULT-VALUE}).")
    long tokensPerMinute;

    @Option(names = "--requests-per-day", defaultValue = "0",
            description = "Daily quota (429 with a PerDay quota id); 0 = none (default: ${DEFAULT-VALUE}).")
    long requestsPerDay;

    @Option(names = "--rate-limit-error-rate", defaultValue = "0", paramLabel = "P",
            description = "Share of requests answered 429 on purpose, 0..1 (default: ${DEFAULT-VALUE}).")
    double rateLimitErrorRate;

    @Option(names = "--internal-error-rate", defaultValue = "0", paramLabel = "P",
            description = "Share of requests answered 500, 0..1 (default: ${DEFAULT-VALUE}).")
    double internalErrorRate;

    @Option(names = "--unavailable-error-rate", defaultValue = "0", paramLabel = "P",
            description = "Share of requests answered 503, 0..1 (default: ${DEFAULT-VALUE}).")
    double unavailableErrorRate;

    @Mixin
    ModelFaultOptions modelFaults = new ModelFaultOptions();

    @Mixin
    BatchSimulatorOptions batch = new BatchSimulatorOptions();

    @Override
    public Integer call() throws InterruptedException {
        SimulatorConfig config = batch.applyTo(SimulatorConfig.builder())
                .host(host)
                .port(port)
                .apiKey(apiKey)
                .latency(latency)
                .jitter(jitter)
                .requestsPerMinute(requestsPerMinute)
                .tokensPerMinute(tokensPerMinute)
                .requestsPerDay(requestsPerDay)
                .rateLimitErrorRate(rateLimitErrorRate)
                .internalErrorRate(internalErrorRate)
                .unavailableErrorRate(unavailableErrorRate)
                .modelFaults(modelFaults.faults())
                .build();
        CountDownLatch stopped = new CountDownLatch(1);
        try (GeminiSimulator simulator = GeminiSimulator.start(config)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "simulator-shutdown"));
            System.out.println("Gemini simulator listening at " + simulator.baseUrl());
            System.out.println("  Use it:  GEMINI_BASE_URL=" + simulator.baseUrl() + " GEMINI_API_KEY=" + apiKey
                    + " java -jar target/gemini-streams.jar run");
            System.out.println("  Stats:   curl " + simulator.baseUrl() + "/simulator/stats");
            System.out.println("  Stop:    Ctrl-C");
            stopped.await();
        }
        return 0;
    }
}

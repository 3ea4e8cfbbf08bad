package io.github.geministreams.cli;

import io.github.geministreams.bench.BenchReport;
import io.github.geministreams.bench.BenchResult;
import io.github.geministreams.bench.BenchRow;
import io.github.geministreams.bench.BenchRunner;
import io.github.geministreams.bench.BenchScenario;
import io.github.geministreams.bench.Workload;
import io.github.geministreams.config.Setting;
import io.github.geministreams.model.Mode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gemini-streams bench}: measures gemini-streams against its Gemini client alone, a
 * naive baseline and a passthrough topology, and against the ceiling min(quota, arrival rate,
 * client-only), on an embedded broker and the simulator.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure gemini-streams on an embedded broker against the Gemini simulator, next to its Gemini "
                + "client with no Kafka (client-only: what this machine and the SDK can do), the naive baseline "
                + "(mapValues + synchronous SDK) and a passthrough topology (the Kafka-side ceiling); the ceiling is "
                + "min(quota, arrival rate, client-only). Print one table (and --json FILE).",
                "Saturation: prompts are produced at once. Light load: --rate 2."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--workload", defaultValue = "mixed",
            description = "embed, generate or mixed (every other prompt embeds) (default: ${DEFAULT-VALUE}).")
    Workload workload;

    @Option(names = "--prompts", defaultValue = "5000", description = "Prompts per row (default: ${DEFAULT-VALUE}).")
    int prompts;

    @Option(names = "--prompt-tokens", defaultValue = "0",
            description = "Pad each prompt text to about N tokens (4 characters a token), so a --tpm quota binds; "
                    + "0 = short texts of about 12 tokens (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "--warmup", defaultValue = "20",
            description = "Prompts answered before each row is measured, left out of its figures (default: ${DEFAULT-VALUE}).")
    int warmupPrompts;

    @Option(names = "--rate", defaultValue = "0",
            description = "Prompts per second; 0 = all at once, to measure saturation (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--baseline-prompts", defaultValue = "50",
            description = "Prompts for the naive row, which takes one latency per prompt (default: ${DEFAULT-VALUE}).")
    int baselinePrompts;

    @Option(names = "--latency", defaultValue = "200ms", converter = DurationConverter.class,
            description = "Simulated Gemini latency (default: ${DEFAULT-VALUE}).")
    Duration latency;

    @Option(names = "--jitter", defaultValue = "0ms", converter = DurationConverter.class,
            description = "Uniform 0..jitter added to the latency (default: ${DEFAULT-VALUE}).")
    Duration jitter;

    @Option(names = "--rpm", defaultValue = "0",
            description = "Requests-per-minute quota of the simulator, also given to gemini-streams; 0 = none.")
    long requestsPerMinute;

    @Option(names = "--tpm", defaultValue = "0",
            description = "Tokens-per-minute quota of the simulator, also given to gemini-streams; 0 = none.")
    long tokensPerMinute;

    @Option(names = "--batch-counts-once",
            description = "A batchEmbedContents request counts once against --rpm (the real API counts each text).")
    boolean batchCountsOnce;

    @Option(names = "--error-429", defaultValue = "0", description = "Share of requests answered 429 (0..1).")
    double rateLimitErrorRate;

    @Option(names = "--error-500", defaultValue = "0", description = "Share of requests answered 500 (0..1).")
    double serverErrorRate;

    @Option(names = "--max-in-flight", defaultValue = "0",
            description = "max.in.flight of gemini-streams, a cap on its adaptive concurrency; 0 = the setting's default.")
    int maxInFlight;

    @Option(names = "--instances", defaultValue = "1",
            description = "Also measure this many gemini-streams instances together (default: ${DEFAULT-VALUE}).")
    int instances;

    @Option(names = "--keys", defaultValue = "0",
            description = "Spread the prompts over N record keys (the key-ordered row's unit of order); 0 = each prompt "
                    + "its own key (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--duplicate-share", defaultValue = "0",
            description = "Share of each row's prompts that repeat an earlier prompt's text (and task) at a later, "
                    + "random place, under ids of their own: 0.5 = each text twice; 0 <= F < 1 (default: ${DEFAULT-VALUE}).")
    double duplicateShare;

    @Option(names = "--mode", defaultValue = "online",
            description = "online, or batch: also measure a batch-mode row (gemini-streams with \"mode\":\"batch\" "
                    + "prompts), to compare its turnaround and cost with the online row (default: ${DEFAULT-VALUE}).")
    Mode mode;

    @Option(names = "--batch-turnaround", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long the simulated Batch API takes to finish a job, for --mode batch "
                    + "(default: ${DEFAULT-VALUE}; Google's target is 24 h, usually much less).")
    Duration batchTurnaround;

    @Option(names = "--rows", split = ",", defaultValue = "gemini-streams,client-only,naive,passthrough",
            description = "Rows to measure: gemini-streams, key-ordered (gemini-streams with ordering=key), client-only, "
                    + "naive, passthrough (default: all but key-ordered).")
    List<String> rows;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A gemini-streams setting, e.g. --set embed.bundle.policy=fixed.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--row-timeout", defaultValue = "5m", converter = DurationConverter.class,
            description = "Longest a row may take (default: ${DEFAULT-VALUE}).")
    Duration rowTimeout;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to FILE as JSON.")
    Path json;

    @Override
    public Integer call() throws Exception {
        BenchScenario scenario = new BenchScenario(workload, prompts, promptTokens, warmupPrompts, rate, baselinePrompts,
                latency, jitter, requestsPerMinute, tokensPerMinute, batchCountsOnce, rateLimitErrorRate, serverErrorRate,
                maxInFlight > 0 ? maxInFlight : Integer.parseInt(Setting.MAX_IN_FLIGHT.defaultValue()), instances, keys,
                parseRows(), settings, rowTimeout, duplicateShare(), mode, batchTurnaround);
        BenchResult result;
        try (BenchRunner runner = new BenchRunner(scenario, System.err)) {
            result = runner.run();
        }
        BenchReport.print(result, System.out);
        if (json != null) {
            BenchReport.writeJson(result, json);
            System.out.println("Wrote " + json);
        }
        return result.rows().stream().allMatch(row -> row.complete() && row.duplicates() == 0) ? 0 : 1;
    }

    private double duplicateShare() {
        if (!(duplicateShare >= 0 && duplicateShare < 1)) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--duplicate-share is a share of the prompts, at least 0 and below 1; got " + duplicateShare);
        }
        return duplicateShare;
    }

    private EnumSet<BenchRow> parseRows() {
        EnumSet<BenchRow> chosen = EnumSet.noneOf(BenchRow.class);
        for (String name : rows) {
            BenchRow row = Arrays.stream(BenchRow.values())
                    .filter(candidate -> candidate.wireName().equalsIgnoreCase(name.trim()))
                    .findFirst()
                    .orElseThrow(() -> new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                            "Unknown row '" + name + "'; rows are gemini-streams, key-ordered, client-only, naive, passthrough"));
            chosen.add(row);
        }
        return chosen;
    }
}

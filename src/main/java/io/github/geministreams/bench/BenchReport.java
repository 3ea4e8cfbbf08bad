package io.github.geministreams.bench;

import io.github.geministreams.config.Durations;
import io.github.geministreams.model.Mode;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints a {@link BenchResult} as a table with its ratios, or writes it as JSON. */
public final class BenchReport {
    private static final String HEADER = "%-18s %7s %7s %5s %4s %9s %7s %7s %7s %8s %9s %11s %8s %6s %7s %8s%n";
    private static final String ROW = "%-18s %7d %7d %5d %4d %9.1f %7d %7d %7d %8s %9s %11s %8s %6d %7s %8d%n";
    private static final long MIB = 1024 * 1024;

    private BenchReport() {
    }

    public static void print(BenchResult result, PrintStream out) {
        BenchScenario scenario = result.scenario();
        out.println();
        out.println("gemini-streams bench: " + describe(result));
        out.println("(one JVM: embedded broker, simulator and the row under test; heap is theirs together; "
                + "latency = prompt sent -> output read, read_committed, for batch-mode its turnaround; "
                + "client-only: prompt due -> answer; USD/1k: estimated cost of 1,000 prompts' outputs)");
        out.printf(HEADER, "row", "prompts", "outputs", "dead", "dup", "items/s", "p50 ms", "p95 ms", "p99 ms",
                "req/item", "texts/req", "billed/item", "USD/1k", "429s", "retries", "heap MiB");
        for (RowResult row : result.rows()) {
            boolean noGemini = row.name().equals(BenchRunner.PASSTHROUGH_ROW);
            out.printf(ROW, row.name(), row.prompts(), row.outputs(), row.deadLettered(), row.duplicates(),
                    row.itemsPerSecond(), row.p50Millis(), row.p95Millis(), row.p99Millis(),
                    noGemini ? "-" : String.format("%.3f", row.requestsPerItem()),
                    Double.isNaN(row.textsPerEmbedRequest()) ? "-" : String.format("%.1f", row.textsPerEmbedRequest()),
                    noGemini ? "-" : String.format("%.3f", row.billedPerItem()), cost(row.costPer1000Prompts()),
                    row.received429s(), row.retries() < 0 ? "-" : Long.toString(row.retries()), row.peakHeapBytes() / MIB);
            if (!row.complete()) {
                out.println("  ^ INCOMPLETE: not every prompt had an output within " + scenario.rowTimeout().toSeconds() + " s");
            }
        }
        result.ceilings().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(ceiling ->
                out.printf("%-18s %7s %7s %5s %4s %9.1f   (min(quota, rate, client-only): %s)%n",
                        "ceiling " + ceiling.getKey().substring(BenchRunner.GEMINI_STREAMS_ROW.length() - 1).trim(),
                        "", "", "", "", ceiling.getValue().itemsPerSecond(), ceiling.getValue().describe()));
        out.println();
        result.ratios().forEach((name, ratio) -> out.printf("  %-40s %s%n", name,
                name.endsWith("/ naive") || name.startsWith("gemini-streams") && name.contains(" / gemini-streams")
                        ? String.format("%.1fx", ratio) : String.format("%.1f%%", ratio * 100)));
        out.println();
    }

    /** Dollars to the hundredth of a cent, "-" when unknown. */
    static String cost(double usd) {
        return Double.isNaN(usd) ? "-" : String.format("%.4f", usd);
    }

    public static void writeJson(BenchResult result, Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("scenario", describe(result));
        json.put("settings", settings(result.scenario()));
        json.put("embedBundle", result.embedBundle().toString());
        List<RowResult> rows = new ArrayList<>(result.rows());
        json.put("rows", rows);
        json.put("ceilings", result.ceilings());
        json.put("ratios", result.ratios());
        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
    }

    private static Map<String, Object> settings(BenchScenario s) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("workload", s.workload().name().toLowerCase(Locale.ROOT));
        settings.put("prompts", s.prompts());
        settings.put("promptTokens", s.promptTokens());
        settings.put("warmupPrompts", s.warmupPrompts());
        settings.put("ratePerSecond", s.rate());
        settings.put("baselinePrompts", s.baselinePrompts());
        settings.put("latencyMillis", s.latency().toMillis());
        settings.put("jitterMillis", s.jitter().toMillis());
        settings.put("requestsPerMinute", s.requestsPerMinute());
        settings.put("tokensPerMinute", s.tokensPerMinute());
        settings.put("batchCountsOnce", s.batchCountsOnce());
        settings.put("rateLimitErrorRate", s.rateLimitErrorRate());
        settings.put("serverErrorRate", s.serverErrorRate());
        settings.put("maxInFlight", s.maxInFlight());
        settings.put("instances", s.instances());
        settings.put("keys", s.keys());
        settings.put("duplicateShare", s.duplicateShare());
        settings.put("mode", s.mode().wireName());
        settings.put("settings", s.settings());
        return settings;
    }

    private static String describe(BenchResult result) {
        BenchScenario s = result.scenario();
        return s.workload().name().toLowerCase(Locale.ROOT) + ", " + s.prompts() + " prompts of "
                + String.format("%.1f", PromptText.meanTokens(s.prompts(), s.promptTokens())) + " tokens "
                + (s.rate() > 0 ? "at " + s.rate() + "/s" : "at once") + " after " + s.warmupPrompts() + " warm-up"
                + ", latency " + Durations.format(s.latency()) + " + 0.." + Durations.format(s.jitter())
                + ", quota " + quota(s)
                + ", errors " + pct(s.rateLimitErrorRate()) + " 429 / " + pct(s.serverErrorRate()) + " 500"
                + ", max.in.flight " + s.maxInFlight() + ", embed bundle " + result.embedBundle()
                + (s.keys() > 0 ? ", " + s.keys() + " record keys" : "")
                + (s.duplicateShare() > 0 ? ", " + pct(s.duplicateShare()) + " repeated texts" : "")
                + (s.mode() == Mode.BATCH ? ", mode batch (a batch-mode row too)" : "")
                + (s.settings().isEmpty() ? "" : ", settings " + s.settings());
    }

    private static String quota(BenchScenario s) {
        List<String> limits = new ArrayList<>();
        if (s.requestsPerMinute() > 0) {
            limits.add(s.requestsPerMinute() + " requests/min"
                    + (s.batchCountsOnce() ? " (a batch counts once)" : " (each embedded text counts)"));
        }
        if (s.tokensPerMinute() > 0) {
            limits.add(s.tokensPerMinute() + " tokens/min");
        }
        return limits.isEmpty() ? "none" : String.join(" + ", limits);
    }

    private static String pct(double rate) {
        return String.format("%.0f%%", rate * 100);
    }
}

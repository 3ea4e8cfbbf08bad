package io.github.geministreams.bench;

import io.github.geministreams.config.AppConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every row of one run, the ceiling of each gemini-streams row (by row name), and the ratios
 * between them.
 */
public record BenchResult(BenchScenario scenario, AppConfig.EmbedBundleSettings embedBundle, List<RowResult> rows,
                          Map<String, Ceiling> ceilings) {

    public BenchResult {
        rows = List.copyOf(rows);
        ceilings = Map.copyOf(ceilings);
    }

    public Optional<RowResult> row(String name) {
        return rows.stream().filter(row -> row.name().equals(name)).findFirst();
    }

    /**
     * The comparisons the benchmark exists for, by name, in print order: each gemini-streams
     * row against its ceiling, the client-only row, the passthrough row and the naive
     * baseline, N instances against one, and the batch-mode row's cost against the online row's.
     */
    public Map<String, Double> ratios() {
        Map<String, Double> ratios = new LinkedHashMap<>();
        Optional<RowResult> clientOnly = row(BenchRunner.CLIENT_ONLY_ROW);
        Optional<RowResult> naive = row(BenchRunner.NAIVE_ROW);
        Optional<RowResult> passthrough = row(BenchRunner.PASSTHROUGH_ROW);
        for (RowResult row : rows) {
            if (!row.name().startsWith(BenchRunner.GEMINI_STREAMS_ROW)) {
                continue;
            }
            Ceiling ceiling = ceilings.get(row.name());
            if (ceiling != null && Double.isFinite(ceiling.itemsPerSecond())) {
                ratios.put(row.name() + " / ceiling", row.itemsPerSecond() / ceiling.itemsPerSecond());
            }
            clientOnly.ifPresent(base -> ratios.put(row.name() + " / client-only", row.itemsPerSecond() / base.itemsPerSecond()));
            passthrough.ifPresent(base -> ratios.put(row.name() + " / passthrough", row.itemsPerSecond() / base.itemsPerSecond()));
            naive.ifPresent(base -> ratios.put(row.name() + " / naive", row.itemsPerSecond() / base.itemsPerSecond()));
        }
        Optional<RowResult> one = row(BenchRunner.GEMINI_STREAMS_ROW + 1);
        Optional<RowResult> keyOrdered = row(BenchRunner.KEY_ORDERED_ROW);
        if (one.isPresent() && keyOrdered.isPresent()) {
            ratios.put(keyOrdered.get().name() + " / " + one.get().name(),
                    keyOrdered.get().itemsPerSecond() / one.get().itemsPerSecond());
        }
        Optional<RowResult> batch = row(BenchRunner.BATCH_MODE_ROW);
        if (one.isPresent() && batch.isPresent()) {
            double online = one.get().costPer1000Prompts();
            double batched = batch.get().costPer1000Prompts();
            if (Double.isFinite(online) && Double.isFinite(batched) && online > 0) {
                ratios.put("cost: " + batch.get().name() + " / " + one.get().name(), batched / online);
            }
        }
        Optional<RowResult> many = row(BenchRunner.GEMINI_STREAMS_ROW + scenario.instances());
        if (scenario.instances() > 1 && one.isPresent() && many.isPresent()) {
            ratios.put(many.get().name() + " / " + one.get().name(), many.get().itemsPerSecond() / one.get().itemsPerSecond());
        }
        return ratios;
    }
}

package io.github.geministreams.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The batch-mode row and the cost column, from figures made up here (the runner's rows need a broker). */
class BenchReportTest {
    private static BenchScenario scenario(Mode mode, double duplicateShare) {
        return new BenchScenario(Workload.EMBED, 1_000, 0, 0, 0, 50, Duration.ofMillis(200), Duration.ZERO, 0, 0, false,
                0, 0, 64, 1, 0, Set.of(BenchRow.GEMINI_STREAMS, BenchRow.PASSTHROUGH), Map.of(), Duration.ofMinutes(1),
                duplicateShare, mode, Duration.ofSeconds(2));
    }

    private static RowResult row(String name, double billedPerItem, double costPer1000) {
        return new RowResult(name, 1_000, 1_000, 0, 0, 10, 100, 50, 90, 99, 0.01, 100, billedPerItem, costPer1000,
                0, 0, 256L << 20, true);
    }

    private static String printed(BenchResult result) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BenchReport.print(result, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPrintTheCostPerThousandPromptsOfEachRowAndTheBatchRowsShareOfTheOnlineCost() {
        BenchResult result = new BenchResult(scenario(Mode.BATCH, 0.5), AppConfig.defaults().pipeline().embedBundle(),
                List.of(row("gemini-streams x1", 0.5, 0.0018), row("batch-mode x1", 0.5, 0.0009),
                        new RowResult("passthrough", 1_000, 1_000, 0, 0, 1, 1_000, 5, 9, 9, 0, Double.NaN, 0, Double.NaN,
                                0, -1, 256L << 20, true)), Map.of());

        assertEquals(Set.of("gemini-streams x1 / passthrough", "cost: batch-mode x1 / gemini-streams x1"),
                result.ratios().keySet(), "the batch-mode row gets no throughput ratio, its latency is a turnaround");
        assertEquals(0.5, result.ratios().get("cost: batch-mode x1 / gemini-streams x1"), 1e-12);
        String table = printed(result);
        assertTrue(table.contains("billed/item") && table.contains("USD/1k"), table);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("gemini-streams x1") && line.contains(" 0.500 ")
                && line.contains(" 0.0018 ")), table);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("batch-mode x1") && line.contains(" 0.0009 ")), table);
        assertTrue(table.lines().anyMatch(line -> line.startsWith("passthrough") && line.matches(".* - +- +- +0 .*")),
                "no requests, no billed items, no cost for the passthrough:\n" + table);
        assertTrue(table.lines().anyMatch(line -> line.matches(" +cost: batch-mode x1 / gemini-streams x1 +50\\.0%")), table);
        assertTrue(table.contains("50% repeated texts") && table.contains("mode batch"), table);
    }

    @Test
    void shouldCompareNoCostWhenARowHasNone() {
        BenchResult result = new BenchResult(scenario(Mode.BATCH, 0), AppConfig.defaults().pipeline().embedBundle(),
                List.of(row("gemini-streams x1", 1, Double.NaN), row("batch-mode x1", 1, 0.0009)), Map.of());
        assertEquals(Map.of(), result.ratios());
        assertTrue(printed(result).lines().anyMatch(line -> line.startsWith("gemini-streams x1") && line.contains(" - ")));
    }

    @Test
    void shouldLetTheScenarioSettingsOverTheBatchRowDefaults() {
        Map<String, String> settings = BenchRunner.batchRowSettings(Map.of("gemini.batch.max.wait", "30s", "ordering", "key"));
        assertEquals("30s", settings.get("gemini.batch.max.wait"), "--set wins");
        assertEquals("1s", settings.get("gemini.batch.poll.initial"), "the row's default");
        assertEquals("key", settings.get("ordering"));
        // Every default is a valid setting.
        AppConfig config = ConfigLayers.defaults().withAll(BenchRunner.batchRowSettings(Map.of())).build();
        assertEquals(Duration.ofSeconds(2), config.batchMode().maxWait());
    }

    @Test
    void shouldRejectADuplicateShareOfOneOrMore() {
        assertThrows(IllegalArgumentException.class, () -> scenario(Mode.ONLINE, 1));
    }
}

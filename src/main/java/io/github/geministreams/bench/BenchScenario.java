package io.github.geministreams.bench;

import io.github.geministreams.model.Mode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * One benchmark run: the load, the simulated Gemini, and the settings of gemini-streams.
 *
 * @param prompts             prompts per row (the naive baseline gets at most {@code baselinePrompts})
 * @param promptTokens        each prompt's text padded to about this many tokens; 0 = short texts (see {@link PromptText})
 * @param warmupPrompts       prompts sent at once and answered before each row is measured, left out of its figures
 * @param rate                prompts per second; 0 = all at once (a backlog, to measure saturation)
 * @param requestsPerMinute   the simulator's quota, also given to gemini-streams; 0 = none
 * @param tokensPerMinute     the simulator's tokens-per-minute quota, also given to gemini-streams; 0 = none
 * @param batchCountsOnce     a batchEmbedContents request counts once against the quota (the
 *                            real API counts each text); both the simulator and gemini-streams
 * @param instances           gemini-streams instances for the scale-out row; 1 = no such row
 * @param keys                distinct record keys the prompts spread over (the key-ordered row's
 *                            unit of order); 0 = each prompt its own key
 * @param settings            further gemini-streams settings ({@code --set key=value})
 * @param rowTimeout          longest a row may take before it is reported incomplete
 * @param duplicateShare      the share of each row's prompts that repeat an earlier prompt's text and
 *                            task ({@link PromptSequence}), 0 ≤ share < 1
 * @param mode                online: the gemini-streams rows send online prompts; batch: a batch-mode row
 *                            ({@code "mode":"batch"} prompts) is measured after the online one
 * @param batchTurnaround     how long the simulator's Batch API jobs take from creation to their end
 */
public record BenchScenario(
        Workload workload,
        int prompts,
        int promptTokens,
        int warmupPrompts,
        double rate,
        int baselinePrompts,
        Duration latency,
        Duration jitter,
        long requestsPerMinute,
        long tokensPerMinute,
        boolean batchCountsOnce,
        double rateLimitErrorRate,
        double serverErrorRate,
        int maxInFlight,
        int instances,
        int keys,
        Set<BenchRow> rows,
        Map<String, String> settings,
        Duration rowTimeout,
        double duplicateShare,
        Mode mode,
        Duration batchTurnaround) {

    public BenchScenario {
        rows = Set.copyOf(rows);
        settings = Map.copyOf(settings);
        if (!(duplicateShare >= 0 && duplicateShare < 1)) {
            throw new IllegalArgumentException("The duplicate share is at least 0 and below 1, not " + duplicateShare);
        }
    }
}

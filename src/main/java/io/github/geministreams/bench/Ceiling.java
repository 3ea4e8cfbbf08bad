package io.github.geministreams.bench;

/**
 * The throughput no implementation can beat against the simulated Gemini: the smallest of
 * the concurrency ceiling ({@code max.in.flight} requests per instance, each taking the mean
 * simulated latency, an embed request carrying a full batch), the quota ceiling (requests per
 * minute, where each embedded text counts unless batches count once) and the arrival rate.
 */
final class Ceiling {
    private Ceiling() {
    }

    /** Prompts per second. */
    static double itemsPerSecond(BenchScenario scenario, int instances, int embedBatchSize) {
        double embedShare = scenario.workload().embedShare();
        double requestsPerItem = embedShare / embedBatchSize + (1 - embedShare);
        double latencySeconds = (scenario.latency().toNanos() + scenario.jitter().toNanos() / 2.0) / 1e9;
        double ceiling = latencySeconds <= 0 ? Double.POSITIVE_INFINITY
                : (double) scenario.maxInFlight() * instances / latencySeconds / requestsPerItem;
        if (scenario.requestsPerMinute() > 0) {
            double quotaPerItem = embedShare * (scenario.batchCountsOnce() ? 1.0 / embedBatchSize : 1) + (1 - embedShare);
            ceiling = Math.min(ceiling, scenario.requestsPerMinute() / 60.0 / quotaPerItem);
        }
        if (scenario.rate() > 0) {
            ceiling = Math.min(ceiling, scenario.rate());
        }
        return ceiling;
    }
}

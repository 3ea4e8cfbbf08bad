package io.github.geministreams.bench;

import java.util.OptionalDouble;

/**
 * The throughput no gemini-streams row can beat on a run, in prompts per second, and the
 * limit that sets it: the smallest of the requests-per-minute quota (each embedded text counts
 * a request, or each batch once with {@code --batch-counts-once}; a generate prompt one), the
 * tokens-per-minute quota (each prompt's tokens as the simulator counts them), the arrival
 * rate, and the client-only row (gemini-streams' Gemini client with no Kafka: what this machine
 * and the SDK can do). Each is a limit outside gemini-streams, none a setting of it. N
 * instances get the same ceiling as one: they share the quota, the arrival and this machine.
 *
 * @param clientOnlyMeasured false when the client-only row was not measured: the ceiling is
 *                           then only min(quota, rate), which this machine may not reach
 */
public record Ceiling(double itemsPerSecond, Limit limit, boolean clientOnlyMeasured) {

    /** What sets a ceiling. */
    public enum Limit {
        REQUESTS_QUOTA("requests/min quota"),
        TOKENS_QUOTA("tokens/min quota"),
        RATE("arrival rate"),
        CLIENT_ONLY("client-only row"),
        /** No quota, no rate and no client-only row: nothing bounds the ceiling. */
        NONE("nothing");

        private final String label;

        Limit(String label) {
            this.label = label;
        }
    }

    /** @param clientOnly the client-only row's prompts per second, when it was measured */
    static Ceiling of(BenchScenario scenario, int embedBatchSize, OptionalDouble clientOnly) {
        Ceiling ceiling = new Ceiling(Double.POSITIVE_INFINITY, Limit.NONE, clientOnly.isPresent());
        double embedShare = scenario.workload().embedShare();
        if (scenario.requestsPerMinute() > 0) {
            double requestsPerItem = embedShare * (scenario.batchCountsOnce() ? 1.0 / embedBatchSize : 1) + (1 - embedShare);
            ceiling = ceiling.atMost(scenario.requestsPerMinute() / 60.0 / requestsPerItem, Limit.REQUESTS_QUOTA);
        }
        if (scenario.tokensPerMinute() > 0) {
            double tokensPerItem = PromptText.meanTokens(scenario.prompts(), scenario.promptTokens());
            ceiling = ceiling.atMost(scenario.tokensPerMinute() / 60.0 / tokensPerItem, Limit.TOKENS_QUOTA);
        }
        if (scenario.rate() > 0) {
            ceiling = ceiling.atMost(scenario.rate(), Limit.RATE);
        }
        if (clientOnly.isPresent()) {
            ceiling = ceiling.atMost(clientOnly.getAsDouble(), Limit.CLIENT_ONLY);
        }
        return ceiling;
    }

    private Ceiling atMost(double itemsPerSecond, Limit limit) {
        return itemsPerSecond < this.itemsPerSecond ? new Ceiling(itemsPerSecond, limit, clientOnlyMeasured) : this;
    }

    /** What set it, e.g. {@code set by the requests/min quota; client-only not measured}. */
    public String describe() {
        return "set by " + (limit == Limit.NONE ? "nothing: no quota, no rate" : "the " + limit.label)
                + (clientOnlyMeasured ? "" : "; client-only not measured");
    }
}

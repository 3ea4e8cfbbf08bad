package io.github.geministreams.simulator;

import java.time.Duration;

/**
 * How the {@link GeminiSimulator} behaves. Immutable; {@link GeminiSimulator#updateConfig}
 * swaps it at run time. Rates are probabilities between 0 and 1; limits of 0 mean none.
 *
 * @param port 0 picks a free port
 * @param latency added to every request; {@code jitter} adds a uniform 0..jitter on top
 * @param requestsPerMinute quota over any 60 seconds, answered with 429 RESOURCE_EXHAUSTED
 * @param batchItemsCountAsRequests a batchEmbedContents request with N texts counts N requests, as the API does
 * @param rateLimitErrorRate share of requests answered 429 on purpose, with {@code injectedRetryDelay}
 * @param slowResponseRate share of requests that take {@code slowLatency} instead of {@code latency}
 * @param safetyTriggerWord a generate prompt containing it is blocked for safety
 * @param invalidTriggerWord a prompt or embed text containing it makes the whole request a 400
 *        INVALID_ARGUMENT, as a poison item makes the API reject its batch
 * @param maxEmbedBatch texts one batchEmbedContents request may carry (the API's 100); more is a
 *        400 for the whole batch, with no item at fault
 * @param embeddingDimensions vector size when a request names none
 * @param seed seeds fault injection; outputs are deterministic regardless
 * @param modelFaults faults of single models (unknown, overloaded, a daily quota of their own), before all others
 * @param batchTurnaround how long a Batch API job takes from creation to its end (pending for the
 *        first half, running for the second)
 * @param batchExpireJobs every Batch API job ends EXPIRED instead of SUCCEEDED
 */
public record SimulatorConfig(
        String host,
        int port,
        String apiKey,
        Duration latency,
        Duration jitter,
        long requestsPerMinute,
        long tokensPerMinute,
        long requestsPerDay,
        boolean batchItemsCountAsRequests,
        double rateLimitErrorRate,
        Duration injectedRetryDelay,
        double internalErrorRate,
        double unavailableErrorRate,
        double slowResponseRate,
        Duration slowLatency,
        String safetyTriggerWord,
        String invalidTriggerWord,
        int maxEmbedBatch,
        int embeddingDimensions,
        long seed,
        ModelFaults modelFaults,
        Duration batchTurnaround,
        boolean batchExpireJobs) {

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.host = host;
        builder.port = port;
        builder.apiKey = apiKey;
        builder.latency = latency;
        builder.jitter = jitter;
        builder.requestsPerMinute = requestsPerMinute;
        builder.tokensPerMinute = tokensPerMinute;
        builder.requestsPerDay = requestsPerDay;
        builder.batchItemsCountAsRequests = batchItemsCountAsRequests;
        builder.rateLimitErrorRate = rateLimitErrorRate;
        builder.injectedRetryDelay = injectedRetryDelay;
        builder.internalErrorRate = internalErrorRate;
        builder.unavailableErrorRate = unavailableErrorRate;
        builder.slowResponseRate = slowResponseRate;
        builder.slowLatency = slowLatency;
        builder.safetyTriggerWord = safetyTriggerWord;
        builder.invalidTriggerWord = invalidTriggerWord;
        builder.maxEmbedBatch = maxEmbedBatch;
        builder.embeddingDimensions = embeddingDimensions;
        builder.seed = seed;
        builder.modelFaults = modelFaults;
        builder.batchTurnaround = batchTurnaround;
        builder.batchExpireJobs = batchExpireJobs;
        return builder;
    }

    /** Defaults: localhost, a free port, no latency, no quota, no faults. */
    public static final class Builder {
        private String host = "localhost";
        private int port;
        private String apiKey = "simulator-key";
        private Duration latency = Duration.ZERO;
        private Duration jitter = Duration.ZERO;
        private long requestsPerMinute;
        private long tokensPerMinute;
        private long requestsPerDay;
        private boolean batchItemsCountAsRequests = true;
        private double rateLimitErrorRate;
        private Duration injectedRetryDelay = Duration.ofSeconds(1);
        private double internalErrorRate;
        private double unavailableErrorRate;
        private double slowResponseRate;
        private Duration slowLatency = Duration.ofSeconds(5);
        private String safetyTriggerWord = "UNSAFE_TRIGGER";
        private String invalidTriggerWord = "INVALID_TRIGGER";
        private int maxEmbedBatch = ModelEndpoints.MAX_BATCH;
        private int embeddingDimensions = 768;
        private long seed = 42;
        private ModelFaults modelFaults = ModelFaults.NONE;
        private Duration batchTurnaround = Duration.ofSeconds(2);
        private boolean batchExpireJobs;

        private Builder() {
        }

        public Builder host(String value) {
            host = value;
            return this;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder apiKey(String value) {
            apiKey = value;
            return this;
        }

        public Builder latency(Duration value) {
            latency = value;
            return this;
        }

        public Builder jitter(Duration value) {
            jitter = value;
            return this;
        }

        public Builder requestsPerMinute(long value) {
            requestsPerMinute = value;
            return this;
        }

        public Builder tokensPerMinute(long value) {
            tokensPerMinute = value;
            return this;
        }

        public Builder requestsPerDay(long value) {
            requestsPerDay = value;
            return this;
        }

        public Builder batchItemsCountAsRequests(boolean value) {
            batchItemsCountAsRequests = value;
            return this;
        }

        public Builder rateLimitErrorRate(double value) {
            rateLimitErrorRate = value;
            return this;
        }

        public Builder injectedRetryDelay(Duration value) {
            injectedRetryDelay = value;
            return this;
        }

        public Builder internalErrorRate(double value) {
            internalErrorRate = value;
            return this;
        }

        public Builder unavailableErrorRate(double value) {
            unavailableErrorRate = value;
            return this;
        }

        public Builder slowResponseRate(double value) {
            slowResponseRate = value;
            return this;
        }

        public Builder slowLatency(Duration value) {
            slowLatency = value;
            return this;
        }

        public Builder safetyTriggerWord(String value) {
            safetyTriggerWord = value;
            return this;
        }

        public Builder invalidTriggerWord(String value) {
            invalidTriggerWord = value;
            return this;
        }

        public Builder maxEmbedBatch(int value) {
            maxEmbedBatch = value;
            return this;
        }

        public Builder embeddingDimensions(int value) {
            embeddingDimensions = value;
            return this;
        }

        public Builder seed(long value) {
            seed = value;
            return this;
        }

        public Builder modelFaults(ModelFaults value) {
            modelFaults = value;
            return this;
        }

        public Builder batchTurnaround(Duration value) {
            batchTurnaround = value;
            return this;
        }

        public Builder batchExpireJobs(boolean value) {
            batchExpireJobs = value;
            return this;
        }

        public SimulatorConfig build() {
            for (double rate : new double[] {rateLimitErrorRate, internalErrorRate, unavailableErrorRate, slowResponseRate}) {
                if (rate < 0 || rate > 1) {
                    throw new IllegalArgumentException("Fault rates are probabilities between 0 and 1, not " + rate);
                }
            }
            return new SimulatorConfig(host, port, apiKey, latency, jitter, requestsPerMinute, tokensPerMinute,
                    requestsPerDay, batchItemsCountAsRequests, rateLimitErrorRate, injectedRetryDelay,
                    internalErrorRate, unavailableErrorRate, slowResponseRate, slowLatency, safetyTriggerWord,
                    invalidTriggerWord, maxEmbedBatch, embeddingDimensions, seed, modelFaults, batchTurnaround,
                    batchExpireJobs);
        }
    }
}

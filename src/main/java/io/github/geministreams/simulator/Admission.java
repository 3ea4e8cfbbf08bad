package io.github.geministreams.simulator;

import io.github.geministreams.simulator.SimulatorCounters.Rejection;
import java.time.Duration;
import java.util.Random;

/**
 * Decides whether a valid request is served: the faults of its model ({@link ModelFaults}) and
 * injected faults first (they use no quota), then the daily, per-minute request and per-minute
 * token quotas. Thread-safe.
 */
final class Admission {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private static final Duration DAY = Duration.ofDays(1);

    private final SimulatorConfig config;
    private final Random random;
    private final QuotaWindow requestsPerMinute;
    private final QuotaWindow tokensPerMinute;
    private final QuotaWindow requestsPerDay;
    private final ModelGate models;

    Admission(SimulatorConfig config) {
        this.config = config;
        this.random = new Random(config.seed());
        this.requestsPerMinute = new QuotaWindow(config.requestsPerMinute(), MINUTE);
        this.tokensPerMinute = new QuotaWindow(config.tokensPerMinute(), MINUTE);
        this.requestsPerDay = new QuotaWindow(config.requestsPerDay(), DAY);
        this.models = new ModelGate(config.modelFaults());
    }

    /** Returns when {@code call} may be served; throws the error answer otherwise. */
    void admit(ModelCall call, String model, String method) {
        long now = System.nanoTime();
        String kind = method.equals("generateContent") ? "GenerateRequests" : "EmbedContentRequests";
        models.admit(model, call, kind, now);
        injectFault();
        Duration wait = requestsPerDay.tryAdmit(call.requestUnits(), now);
        if (!wait.isZero()) {
            throw new GeminiRequestException(ApiError.resourceExhausted(kind + "PerDayPerProjectPerModel",
                    "generativelanguage.googleapis.com/generate_requests_per_model_per_day",
                    config.requestsPerDay(), wait), Rejection.DAILY_QUOTA);
        }
        wait = requestsPerMinute.tryAdmit(call.requestUnits(), now);
        if (!wait.isZero()) {
            throw new GeminiRequestException(ApiError.resourceExhausted(kind + "PerMinutePerProjectPerModel",
                    "generativelanguage.googleapis.com/generate_requests_per_model",
                    config.requestsPerMinute(), wait), Rejection.QUOTA);
        }
        wait = tokensPerMinute.tryAdmit(call.tokens(), now);
        if (!wait.isZero()) {
            throw new GeminiRequestException(ApiError.resourceExhausted("InputTokensPerModelPerMinute",
                    "generativelanguage.googleapis.com/generate_content_input_token_count",
                    config.tokensPerMinute(), wait), Rejection.QUOTA);
        }
    }

    /** Extra time this request takes beyond the fixed latency: jitter, or a slow response. */
    Duration latency() {
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        if (draw < config.slowResponseRate()) {
            return config.slowLatency();
        }
        long jitterNanos = config.jitter().toNanos();
        long extra = jitterNanos <= 0 ? 0 : (long) (jitterNanos * nextDouble());
        return config.latency().plusNanos(extra);
    }

    void reset() {
        requestsPerMinute.reset();
        tokensPerMinute.reset();
        requestsPerDay.reset();
        models.reset();
    }

    private void injectFault() {
        double draw = nextDouble();
        double limit = config.rateLimitErrorRate();
        if (draw < limit) {
            throw new GeminiRequestException(ApiError.resourceExhausted("GenerateRequestsPerMinutePerProjectPerModel",
                    "generativelanguage.googleapis.com/generate_requests_per_model", config.requestsPerMinute(),
                    config.injectedRetryDelay()), Rejection.INJECTED_429);
        }
        limit += config.internalErrorRate();
        if (draw < limit) {
            throw new GeminiRequestException(ApiError.internal());
        }
        limit += config.unavailableErrorRate();
        if (draw < limit) {
            throw new GeminiRequestException(ApiError.unavailable());
        }
    }

    private double nextDouble() {
        synchronized (random) {
            return random.nextDouble();
        }
    }
}

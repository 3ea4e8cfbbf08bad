package io.github.geministreams.simulator;

import io.github.geministreams.simulator.SimulatorCounters.Rejection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Applies {@link ModelFaults} to each request, before any other fault or quota. Thread-safe. */
final class ModelGate {
    private final ModelFaults faults;
    private final Map<String, QuotaWindow> days = new HashMap<>();

    ModelGate(ModelFaults faults) {
        this.faults = faults;
        faults.requestsPerDay().forEach((model, limit) -> days.put(model, new QuotaWindow(limit, Duration.ofDays(1))));
    }

    /**
     * Returns when {@code model} may serve {@code call}; throws its error answer otherwise.
     *
     * @param kind {@code GenerateRequests} or {@code EmbedContentRequests}, as the quota ids name them
     */
    void admit(String model, ModelCall call, String kind, long nowNanos) {
        if (faults.notFound().contains(model)) {
            throw new GeminiRequestException(ApiError.notFound("models/" + model + " is not found for API version "
                    + "v1beta, or is not supported for generateContent. Call ListModels to see the list of available "
                    + "models and their supported methods."));
        }
        if (faults.overloaded().contains(model)) {
            throw new GeminiRequestException(ApiError.unavailable());
        }
        QuotaWindow day = days.get(model);
        Duration wait = day == null ? Duration.ZERO : day.tryAdmit(call.requestUnits(), nowNanos);
        if (!wait.isZero()) {
            throw new GeminiRequestException(ApiError.resourceExhausted(kind + "PerDayPerProjectPerModel",
                    "generativelanguage.googleapis.com/generate_requests_per_model_per_day",
                    faults.requestsPerDay().get(model), wait), Rejection.DAILY_QUOTA);
        }
    }

    void reset() {
        days.values().forEach(QuotaWindow::reset);
    }
}

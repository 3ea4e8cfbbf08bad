package io.github.geministreams.pacing;

/**
 * What the pacing policy reports for monitoring: every HTTP attempt's outcome, retries,
 * waits for the rate limiter and fallbacks to another model. The application's metrics
 * implement it; pacing knows nothing of how they are kept.
 *
 * <p>Called on the Gemini client's callback threads and on the pacing scheduler, so
 * implementations must be thread-safe and must not block.
 */
public interface PacingListener {
    /** Listens to nothing. */
    PacingListener NONE = new PacingListener() {
        @Override
        public void geminiRequest(String operation, String model, long nanos, String outcome) {
        }

        @Override
        public void retried(String operation) {
        }

        @Override
        public void rateLimiterWaited(long nanos) {
        }

        @Override
        public void modelFallback(String model, String reason) {
        }
    };

    /**
     * One HTTP attempt ended.
     *
     * @param operation {@code generate} or {@code embed}
     * @param outcome   {@code ok}, or the failure's class (an HTTP status, {@code transport}, {@code timeout})
     */
    void geminiRequest(String operation, String model, long nanos, String outcome);

    /** A failed attempt of {@code operation} will be tried again. */
    void retried(String operation);

    /** An attempt waited {@code nanos} for the rate limiter before it was sent. */
    void rateLimiterWaited(long nanos);

    /** A generate call left {@code model} for the next one, for {@code reason}. */
    void modelFallback(String model, String reason);
}

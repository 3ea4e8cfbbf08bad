package io.github.geministreams.pacing;

/**
 * Told of every HTTP attempt Gemini answered or that failed in transport (except answers that
 * say a daily quota is exhausted: they say nothing of latency or pace), and of every call
 * once it has its answer or failed for good. Called on HTTP callback threads or the
 * scheduler: must be quick and thread-safe.
 */
@FunctionalInterface
interface AttemptListener {
    AttemptListener NONE = (latencyNanos, requests, tokens, httpStatus) -> { };

    /** Tells both {@code first} and {@code second}. */
    static AttemptListener both(AttemptListener first, AttemptListener second) {
        return new AttemptListener() {
            @Override
            public void attempted(long latencyNanos, int requests, long tokens, int httpStatus) {
                first.attempted(latencyNanos, requests, tokens, httpStatus);
                second.attempted(latencyNanos, requests, tokens, httpStatus);
            }

            @Override
            public void completed(long serviceNanos) {
                first.completed(serviceNanos);
                second.completed(serviceNanos);
            }
        };
    }

    /**
     * @param latencyNanos from sending the request to its answer
     * @param requests     requests the attempt was charged against the per-minute quota
     * @param tokens       tokens it was charged
     * @param httpStatus   200 for an answer, the error's status, or 0 when no answer came
     */
    void attempted(long latencyNanos, int requests, long tokens, int httpStatus);

    /**
     * A call ended (answered or failed for good).
     *
     * @param serviceNanos from the call to its end, less the time it waited for the rate
     *                     limits: its attempts, and the backoff between them
     */
    default void completed(long serviceNanos) {
    }
}

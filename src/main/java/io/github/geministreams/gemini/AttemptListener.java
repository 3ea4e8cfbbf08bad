package io.github.geministreams.gemini;

/**
 * Told of every HTTP attempt Gemini answered or that failed in transport. Called on HTTP
 * callback threads: must be quick and thread-safe.
 */
@FunctionalInterface
public interface AttemptListener {
    AttemptListener NONE = (latencyNanos, requests, tokens, httpStatus) -> { };

    /**
     * @param latencyNanos from sending the request to its answer
     * @param requests     requests the attempt was charged against the per-minute quota
     * @param tokens       tokens it was charged
     * @param httpStatus   200 for an answer, the error's status, or 0 when no answer came
     */
    void attempted(long latencyNanos, int requests, long tokens, int httpStatus);
}

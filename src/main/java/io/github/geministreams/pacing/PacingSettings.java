package io.github.geministreams.pacing;

import java.util.List;

/**
 * How one instance paces its Gemini calls: the project's quota, the cap on requests in
 * flight, retries, and the models a generate call may fall back to. Bound from the
 * application's configuration by the code that wires the pipeline.
 *
 * @param requestsPerMinute         the project's requests-per-minute quota; 0 = unlimited
 * @param tokensPerMinute           the project's tokens-per-minute quota; 0 = unlimited
 * @param embedTextsCountAsRequests each text of an embed request takes one request of the quota
 * @param gainedShareAssumedSpent   a share gained from another instance counts as spent for one window
 * @param maxInFlight               the most requests in flight, whatever the quota allows
 * @param generateFallbacks         models a generate call goes on to when {@code generateModel} cannot answer
 */
public record PacingSettings(long requestsPerMinute, long tokensPerMinute, boolean embedTextsCountAsRequests,
                             boolean gainedShareAssumedSpent, int maxInFlight, RetrySettings retry,
                             String generateModel, List<String> generateFallbacks) {
    public PacingSettings {
        generateFallbacks = List.copyOf(generateFallbacks);
    }
}

package io.github.geministreams.pacing;

import java.time.Duration;

/**
 * How failed calls are retried: exponential backoff from {@code initialBackoff} doubling up
 * to {@code maxBackoff}, each delay spread by ±{@code jitterFactor}, never shorter than a
 * 429's retry delay, for at most {@code maxAttempts} attempts in all. A 429 for a daily
 * quota is different: the call is held, not failed, and tried again after the server's retry
 * delay or {@code dailyQuotaRecheck}, whichever is shorter, for as long as it takes.
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitterFactor,
                            Duration dailyQuotaRecheck) {
    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        if (jitterFactor < 0 || jitterFactor > 1) {
            throw new IllegalArgumentException("jitterFactor must be within 0..1: " + jitterFactor);
        }
    }
}

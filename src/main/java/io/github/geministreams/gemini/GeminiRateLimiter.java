package io.github.geministreams.gemini;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Requests-per-minute and tokens-per-minute token buckets (Bucket4j) in front of Gemini.
 * A limit of 0 means unlimited.
 *
 * <p><b>Never blocks.</b> {@link #acquire} reserves the permits at once and returns a future
 * that the scheduler completes when the reservation is due, so callers (the stream thread)
 * never sleep. Reservations are served in the order they were made. Thread-safe.
 *
 * <p><b>Staying under a sliding 60-second quota.</b> A bucket that starts full and refills
 * the whole limit per minute would allow nearly twice the limit in the first minute. So the
 * bucket holds one second's worth and refills the rest over the minute: at most the limit
 * in any 60 seconds, at the cost of about 1/60 of the quota.
 */
public final class GeminiRateLimiter {
    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    private final Bucket requests;
    private final Bucket tokens;
    private final long requestCapacity;
    private final long tokenCapacity;
    private final ScheduledExecutorService scheduler;

    public GeminiRateLimiter(long requestsPerMinute, long tokensPerMinute, ScheduledExecutorService scheduler) {
        this.requestCapacity = capacity(requestsPerMinute);
        this.tokenCapacity = capacity(tokensPerMinute);
        this.requests = bucket(requestsPerMinute, requestCapacity);
        this.tokens = bucket(tokensPerMinute, tokenCapacity);
        this.scheduler = scheduler;
    }

    /**
     * Reserves {@code requestCount} requests and {@code tokenCount} tokens. A reservation larger
     * than a bucket holds is cut to what it holds, so it waits for a full bucket rather than
     * forever.
     *
     * @return a future completed (on the scheduler) when the call may start
     */
    public CompletableFuture<Void> acquire(int requestCount, long tokenCount) {
        CompletableFuture<Void> requestPermit = reserve(requests, Math.min(requestCount, requestCapacity));
        return requestPermit.thenCompose(granted -> reserve(tokens, Math.min(tokenCount, tokenCapacity)));
    }

    /** A rough count of a text's tokens before the call: about four characters each. */
    public static long estimateTokens(String text) {
        return Math.max(1, (text == null ? 0 : text.length()) / 4);
    }

    private CompletableFuture<Void> reserve(Bucket bucket, long amount) {
        if (bucket == null || amount <= 0) {
            return NOW;
        }
        if (bucket.tryConsume(amount)) {
            return NOW;
        }
        return bucket.asScheduler().consume(amount, scheduler);
    }

    private static long capacity(long perMinute) {
        return perMinute <= 0 ? 0 : Math.max(1, perMinute / 60);
    }

    private static Bucket bucket(long perMinute, long capacity) {
        if (perMinute <= 0) {
            return null;
        }
        long refill = Math.max(1, perMinute - capacity);
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(refill, Duration.ofMinutes(1)))
                .build();
    }
}

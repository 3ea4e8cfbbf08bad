package io.github.geministreams.gemini;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Requests-per-minute and tokens-per-minute token buckets (Bucket4j) in front of Gemini.
 * A limit of 0 means unlimited. {@link #scale(double)} applies a fraction of the limits (an
 * instance's share of the project's quota, lowered further after 429s).
 *
 * <p><b>Never blocks.</b> {@link #acquire} reserves the permits at once and returns a future
 * that the scheduler completes when the reservation is due, so callers (the stream thread)
 * never sleep. Reservations are served in the order they were made. Thread-safe.
 *
 * <p><b>Staying under a sliding 60-second quota.</b> A bucket that starts full and refills
 * the whole limit per minute would allow nearly twice the limit in the first minute. So the
 * bucket holds one second's worth (or the largest single call, when that is more) and
 * refills the rest over the minute: at most the limit in any 60 seconds, at the cost of
 * that first bucketful.
 */
public final class GeminiRateLimiter {
    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final int largestRequest;
    private final Bucket requests;
    private final Bucket tokens;
    private final ScheduledExecutorService scheduler;
    private volatile long requestCapacity;
    private volatile long tokenCapacity;

    public GeminiRateLimiter(long requestsPerMinute, long tokensPerMinute, ScheduledExecutorService scheduler) {
        this(requestsPerMinute, tokensPerMinute, 1, scheduler);
    }

    /**
     * @param largestRequest the most requests one call takes (an embed batch's size when each
     *                       text counts): the requests bucket holds at least that many, up to
     *                       the whole per-minute limit, so such a call is never cut short
     */
    public GeminiRateLimiter(long requestsPerMinute, long tokensPerMinute, int largestRequest,
                             ScheduledExecutorService scheduler) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.largestRequest = largestRequest;
        this.requestCapacity = capacity(requestsPerMinute, largestRequest);
        this.tokenCapacity = capacity(tokensPerMinute, 1);
        this.requests = requestsPerMinute <= 0 ? null
                : Bucket.builder().addLimit(limit(requestsPerMinute, largestRequest)).build();
        this.tokens = tokensPerMinute <= 0 ? null : Bucket.builder().addLimit(limit(tokensPerMinute, 1)).build();
        this.scheduler = scheduler;
    }

    /** True when neither limit is set: nothing to share or scale. */
    public boolean unlimited() {
        return requests == null && tokens == null;
    }

    public long requestsPerMinute() {
        return requestsPerMinute;
    }

    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    /**
     * Applies {@code fraction} (0..1] of the configured limits from now on. Tokens already
     * taken stay taken, so a lower rate also applies to reservations that are waiting.
     */
    public synchronized void scale(double fraction) {
        if (requests != null) {
            long scaled = scaled(requestsPerMinute, fraction);
            requestCapacity = capacity(scaled, largestRequest);
            requests.replaceConfiguration(configuration(scaled, largestRequest), TokensInheritanceStrategy.AS_IS);
        }
        if (tokens != null) {
            long scaled = scaled(tokensPerMinute, fraction);
            tokenCapacity = capacity(scaled, 1);
            tokens.replaceConfiguration(configuration(scaled, 1), TokensInheritanceStrategy.AS_IS);
        }
    }

    /** {@code perMinute} × {@code fraction}, at least 1. */
    public static long scaled(long perMinute, double fraction) {
        return Math.max(1, Math.round(perMinute * fraction));
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

    /** One second's worth, but at least {@code largestRequest} while the limit allows it. */
    private static long capacity(long perMinute, int largestRequest) {
        return perMinute <= 0 ? 0 : Math.max(1, Math.max(perMinute / 60, Math.min(largestRequest, perMinute)));
    }

    private static BucketConfiguration configuration(long perMinute, int largestRequest) {
        return BucketConfiguration.builder().addLimit(limit(perMinute, largestRequest)).build();
    }

    private static io.github.bucket4j.Bandwidth limit(long perMinute, int largestRequest) {
        long capacity = capacity(perMinute, largestRequest);
        long refill = Math.max(1, perMinute - capacity);
        return io.github.bucket4j.Bandwidth.builder().capacity(capacity).refillGreedy(refill, Duration.ofMinutes(1)).build();
    }
}

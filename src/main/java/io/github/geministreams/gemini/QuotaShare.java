package io.github.geministreams.gemini;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How much of the Gemini project's quota this instance uses. The configured limits are the
 * project's; an instance that owns {@code assigned} of the prompts topic's {@code total}
 * partitions takes that share of them, so instances together stay under the quota with no
 * coordination beyond Kafka's own assignment. The share is set again after every rebalance.
 *
 * <p>On top of the share, additive increase / multiplicative decrease: when at least five and
 * more than a fifth of the attempts of the last period were answered 429, the rate is halved
 * (down to 1/20); otherwise it climbs back by a tenth per period. A few 429s do not count:
 * the server's retry delay already handles them, and at a few dozen attempts a second,
 * reacting to every short burst halved the rate again and again for no gain.
 *
 * <p>Thread-safe: attempts are recorded from callback threads, {@link #adjust()} runs on the
 * dispatcher's scheduler, {@link #assign} on a stream thread's state listener.
 */
public final class QuotaShare {
    private static final Logger log = LoggerFactory.getLogger(QuotaShare.class);
    static final double MIN_FACTOR = 0.05;
    private static final double DECREASE = 0.5;
    private static final double INCREASE = 0.1;
    private static final double RATE_LIMITED_SHARE = 0.2;
    private static final long MIN_RATE_LIMITED = 5;

    private final GeminiRateLimiter limiter;
    private final LongAdder attempts = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private double share = 1;
    private double factor = 1;
    private String shareText = "all";

    public QuotaShare(GeminiRateLimiter limiter) {
        this.limiter = limiter;
    }

    /** Waits (without blocking) for the permits of one call; see {@link GeminiRateLimiter#acquire}. */
    public CompletableFuture<Void> acquire(int requestCount, long tokenCount) {
        return limiter.acquire(requestCount, tokenCount);
    }

    /** Tokens a call turned out to use beyond what it was charged; see {@link GeminiRateLimiter#owe}. */
    public void owe(long extraTokens) {
        limiter.owe(extraTokens);
    }

    /** One answer from Gemini, 429 or not. */
    public void recordAttempt(boolean wasRateLimited) {
        attempts.increment();
        if (wasRateLimited) {
            rateLimited.increment();
        }
    }

    /**
     * This instance now owns {@code assigned} of {@code total} prompts partitions. An instance
     * with none still gets one partition's share: it may be re-dispatching pending prompts.
     */
    public synchronized void assign(int assigned, int total) {
        if (limiter.unlimited() || total <= 0) {
            return;
        }
        double newShare = Math.max(1, Math.min(assigned, total)) / (double) total;
        if (newShare != share) {
            share = newShare;
            shareText = assigned + "/" + total + " partitions";
            apply("the prompts partitions were reassigned");
        }
    }

    /** Once per period: halve after a burst of 429s, else climb back towards the full share. */
    public synchronized void adjust() {
        long answered = attempts.sumThenReset();
        long limited = rateLimited.sumThenReset();
        if (limiter.unlimited()) {
            return;
        }
        if (limited >= MIN_RATE_LIMITED && limited > answered * RATE_LIMITED_SHARE) {
            double lowered = Math.max(MIN_FACTOR, factor * DECREASE);
            if (lowered != factor) {
                factor = lowered;
                apply(limited + " of " + answered + " attempts were answered 429");
            }
        } else if (factor < 1) {
            factor = Math.min(1, factor + INCREASE);
            apply("no burst of 429s");
        }
    }

    /** The fraction of the configured limits applied now. */
    public synchronized double fraction() {
        return share * factor;
    }

    private void apply(String why) {
        double fraction = share * factor;
        limiter.scale(fraction);
        log.info("Gemini rate limit for this instance: {} requests/min, {} tokens/min ({} of the quota: {}, backoff x{}); {}",
                limit(limiter.requestsPerMinute(), fraction), limit(limiter.tokensPerMinute(), fraction),
                shareText, String.format("%.2f", share), String.format("%.2f", factor), why);
    }

    private static String limit(long perMinute, double fraction) {
        return perMinute <= 0 ? "unlimited" : Long.toString(GeminiRateLimiter.scaled(perMinute, fraction));
    }
}

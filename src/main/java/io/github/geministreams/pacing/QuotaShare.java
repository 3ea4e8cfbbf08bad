package io.github.geministreams.pacing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies this instance's part of the Gemini quota to its rate limiter: the
 * {@link FleetShare} (partitions owned) times the {@link RateLimitBackoff} (429s), when a task
 * opens or closes and once a period ({@link #adjust}) as the backoff moves.
 *
 * <p><b>A gained share is taken up over the quota's window.</b> Gemini counts the last
 * minute, and the previous owner of a partition may have spent that partition's share in it.
 * So the share a task brings is recorded as already spent, evenly over the last minute
 * ({@link GeminiRateLimiter#apply}): it becomes free as that minute slides by, a
 * linear ramp from nothing to the new share in 60 s, while the limit itself (and so the
 * largest call allowed) is the new share at once. A share lost applies at once. With
 * {@code assumeGainedSpent} false (one instance alone on its key, nobody to overlap with)
 * a gain is spent at once.
 *
 * <p>Thread-safe: tasks open and close on stream threads, {@link #adjust} runs on the
 * dispatcher's scheduler.
 */
final class QuotaShare {
    private static final Logger log = LoggerFactory.getLogger(QuotaShare.class);

    private final GeminiRateLimiter limiter;
    private final FleetShare fleet;
    private final RateLimitBackoff backoff;
    private final boolean assumeGainedSpent;
    private double applied = Double.NaN;
    private String changedBecause;

    public QuotaShare(GeminiRateLimiter limiter, RateLimitBackoff backoff, boolean assumeGainedSpent) {
        this.limiter = limiter;
        this.fleet = new FleetShare();
        this.backoff = backoff;
        this.assumeGainedSpent = assumeGainedSpent;
    }

    /** The prompts topic has {@code total} partitions. */
    public synchronized void promptPartitions(int total) {
        applyChange(fleet.promptPartitions(total), "the prompts topic has " + total + " partitions");
    }

    /** A batching task opened on this instance. */
    public synchronized void taskOpened() {
        applyChange(fleet.taskOpened(), "a task opened");
    }

    /** A batching task closed on this instance. */
    public synchronized void taskClosed() {
        applyChange(fleet.taskClosed(), "a task closed");
    }

    /** Once a period: moves the backoff, and logs what changed since the last period. */
    public synchronized void adjust() {
        String backoffChange = backoff.adjust();
        if (backoffChange != null) {
            note(backoffChange);
        }
        scaleLimiter(0);
        if (changedBecause != null && !limiter.unlimited()) {
            double fraction = fraction();
            log.info("Gemini rate limit for this instance: {} requests/min, {} tokens/min ({} of the quota; {}, share {}; "
                            + "429 backoff x{}) after: {}",
                    limit(limiter.requestsPerMinute(), fraction), limit(limiter.tokensPerMinute(), fraction),
                    String.format("%.3f", fraction), fleet.describe(), String.format("%.3f", fleet.fraction()),
                    String.format("%.2f", backoff.factor()), changedBecause);
        }
        changedBecause = null;
    }

    /** The fraction of the configured limits applied now. */
    public double fraction() {
        return fleet.fraction() * backoff.factor();
    }

    private void applyChange(double gained, String why) {
        note(why);
        scaleLimiter(gained > 0 && assumeGainedSpent ? gained * backoff.factor() : 0);
    }

    private void note(String why) {
        // Tasks open and close by the dozen in a rebalance: the log says it once, on the next period.
        changedBecause = changedBecause == null ? why : changedBecause.endsWith(why) ? changedBecause : changedBecause + "; " + why;
    }

    /**
     * Applies the fraction, and records {@code gainedFraction} as spent over the last minute, in
     * one step of the limiter. A single call may take up to the fleet share without the backoff:
     * a backoff is temporary, and a call it shrinks below waits instead of failing as too large.
     */
    private void scaleLimiter(double gainedFraction) {
        double fraction = fraction();
        if (!limiter.unlimited() && (fraction != applied || gainedFraction > 0)) {
            applied = fraction;
            limiter.apply(fraction, fleet.fraction(), gainedFraction);
        }
    }

    private static String limit(long perMinute, double fraction) {
        return perMinute <= 0 ? "unlimited" : Long.toString(GeminiRateLimiter.scaled(perMinute, fraction));
    }
}

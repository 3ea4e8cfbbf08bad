package io.github.geministreams.pacing;

import java.util.Arrays;

/**
 * Slows this instance down when Gemini answers 429 for the per-minute quota although the
 * rate limiter kept to its share: someone else spends the same quota, or instances overlap
 * while partitions move. Additive increase, multiplicative decrease over a sliding
 * {@link #WINDOW_PERIODS}-period window: when at least {@link #MIN_RATE_LIMITED} and more than
 * {@link #RATE_LIMITED_SHARE} of the window's attempts were 429s, the factor drops to
 * {@link #DECREASE} of itself (not below {@link #MIN_FACTOR}), the window starts over, and it
 * judges again only once the new window is full, so that one burst counts once; a window
 * without a 429 raises it by {@link #INCREASE} per period, up to 1.
 *
 * <p>A few percent over a few seconds is enough to react: the ledger keeps the instance
 * under its share, so any 429 means the share itself is too large. Answers that say a
 * <em>daily</em> quota is exhausted never reach it (see {@link ResilientGeminiClient}).
 *
 * <p>Thread-safe: attempts are recorded from callback threads, {@link #adjust()} runs once a
 * period on the dispatcher's scheduler.
 */
final class RateLimitBackoff implements AttemptListener {
    static final int WINDOW_PERIODS = 5;
    static final double RATE_LIMITED_SHARE = 0.02;
    static final long MIN_RATE_LIMITED = 3;
    static final double DECREASE = 0.7;
    static final double INCREASE = 0.05;
    static final double MIN_FACTOR = 0.05;

    private final long[] attempts = new long[WINDOW_PERIODS];
    private final long[] rateLimited = new long[WINDOW_PERIODS];
    private int period;
    private double factor = 1;
    /** Periods since the factor was last lowered: the 429s of calls sent before a cut arrive after it. */
    private int periodsSinceCut = WINDOW_PERIODS;

    @Override
    public synchronized void attempted(long latencyNanos, int requests, long tokens, int httpStatus) {
        attempts[period]++;
        if (httpStatus == 429) {
            rateLimited[period]++;
        }
    }

    /**
     * Once a period: lowers the factor after a window with too many 429s, else raises it.
     *
     * @return a description of the change, or null when the factor stayed
     */
    public synchronized String adjust() {
        long answered = sum(attempts);
        long limited = sum(rateLimited);
        String change = null;
        boolean settled = periodsSinceCut >= WINDOW_PERIODS;
        if (settled && limited >= MIN_RATE_LIMITED && limited > answered * RATE_LIMITED_SHARE) {
            double lowered = Math.max(MIN_FACTOR, factor * DECREASE);
            if (lowered != factor) {
                factor = lowered;
                change = limited + " of " + answered + " attempts in " + WINDOW_PERIODS + " s were answered 429";
            }
            periodsSinceCut = 0;
            Arrays.fill(attempts, 0);
            Arrays.fill(rateLimited, 0);
        } else if (settled && limited == 0 && factor < 1) {
            factor = Math.min(1, factor + INCREASE);
            change = "no 429 for " + WINDOW_PERIODS + " s";
        }
        periodsSinceCut = Math.min(WINDOW_PERIODS, periodsSinceCut + 1);
        period = (period + 1) % WINDOW_PERIODS;
        attempts[period] = 0;
        rateLimited[period] = 0;
        return change;
    }

    /** The factor applied to this instance's share now, in [{@link #MIN_FACTOR}, 1]. */
    public synchronized double factor() {
        return factor;
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long value : values) {
            total += value;
        }
        return total;
    }
}

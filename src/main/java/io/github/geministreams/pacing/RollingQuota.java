package io.github.geministreams.pacing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;

/**
 * One per-minute quota (requests or tokens) as a ledger of what was spent: at most
 * {@code limit} units in any {@link #WINDOW} (plus {@link #MARGIN}), spent at an even pace.
 *
 * <p><b>Why a ledger and not a token bucket.</b> A bucket of capacity C refilling L per minute
 * lets C + L through in some 60 s window, so staying under the quota costs C/L of it: a whole
 * minute's worth when one request is as large as the quota (an embed bundle of 100 texts on a
 * 100 requests/min key). The ledger remembers each grant until it leaves the window, so a
 * request of any size up to the limit is charged in full and waits exactly until the quota
 * has room for it; the long-run rate is the limit.
 *
 * <p><b>Pacing.</b> On its own a ledger would let a whole minute's quota out at once and then
 * repeat that burst every minute. A second rule (GCRA, the "virtual scheduling" form of a
 * leaky bucket) spaces grants at the limit's rate with {@link #BURST} of tolerance: a request
 * may start once the theoretical time at which the quota has paid for everything granted so
 * far is at most one second away. A large request moves that time forward by its full size.
 *
 * <p><b>Margin.</b> The window is {@link #MARGIN} longer than Gemini's minute: a request is
 * counted by the server when it arrives, a little after we grant it, and by a varying amount;
 * without a margin two grants a minute apart here can arrive less than a minute apart there.
 * It costs {@code MARGIN / WINDOW} (0.8%) of the quota.
 *
 * <p>Not thread-safe (the {@link GeminiRateLimiter} serialises access), except that
 * {@link #limit()} and {@link #unlimited()} may be read from any thread; the clock is passed
 * in, in nanoseconds, so that tests can run it on simulated time.
 */
final class RollingQuota {
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final Duration MARGIN = Duration.ofMillis(500);
    static final Duration BURST = Duration.ofSeconds(1);
    /** Grants that record a minute of someone else's spending ({@link #assumeSpentInLastWindow}). */
    static final int ASSUMED_SLICES = 60;
    /**
     * Grants within this span of the first are recorded as one entry, at the latest time (never
     * earlier: conservative), so that 100,000 requests a minute do not keep 100,000 entries.
     */
    private static final long MERGE_NANOS = Duration.ofMillis(5).toNanos();
    private static final long WINDOW_NANOS = WINDOW.plus(MARGIN).toNanos();
    private static final long BURST_NANOS = BURST.toNanos();

    /** Oldest first: {@code [lastGrantedAtNanos, units, firstGrantedAtNanos]}. */
    private final Deque<long[]> grants = new ArrayDeque<>();
    private long spent;
    /** Volatile so that {@link #limit()} may be read without the limiter's lock. */
    private volatile long limit;
    private long largestCall;
    /** GCRA's theoretical time at which everything granted so far has been paid for at the limit's pace. */
    private long paidUntilNanos = Long.MIN_VALUE;

    /** @param limit units per minute; 0 or less = unlimited */
    RollingQuota(long limit) {
        this.limit = limit;
        this.largestCall = limit;
    }

    boolean unlimited() {
        return limit <= 0;
    }

    long limit() {
        return limit;
    }

    /**
     * From now on at most {@code newLimit} units per window; grants already made stay counted.
     *
     * @param largestCall the most one call may ask for without being refused as too large: the
     *                    limit without a temporary backoff, at least {@code newLimit}
     */
    void setLimit(long newLimit, long largestCall) {
        limit = newLimit;
        this.largestCall = Math.max(newLimit, largestCall);
    }

    /** The most units one call may ask for; a call up to it but over {@link #limit()} waits for the limit to grow. */
    long largestCall() {
        return largestCall;
    }

    /**
     * The earliest time, at or after {@code nowNanos}, at which {@code units} may be spent, or
     * {@link Long#MAX_VALUE} when they never can (more than the whole limit).
     */
    long readyAt(long units, long nowNanos) {
        if (unlimited() || units <= 0) {
            return nowNanos;
        }
        if (units > limit) {
            return Long.MAX_VALUE;
        }
        expire(nowNanos);
        return Math.max(nowNanos, Math.max(paceReadyAt(), windowReadyAt(units)));
    }

    /** Spends {@code units} at {@code nowNanos}; the caller has checked {@link #readyAt}. */
    void spend(long units, long nowNanos) {
        if (unlimited() || units <= 0) {
            return;
        }
        record(units, nowNanos);
        paidUntilNanos = Math.max(paidUntilNanos, nowNanos) + nanosFor(units);
    }

    /**
     * Counts {@code units} spent at {@code nowNanos} without asking: what a request turned out
     * to cost beyond its estimate (its real token count). Later requests wait for it.
     */
    void owe(long units, long nowNanos) {
        spend(units, nowNanos);
    }

    /**
     * Records {@code units} as spent evenly over the window that ends at {@code nowNanos}, in
     * {@link #ASSUMED_SLICES} grants: someone else's recent spending, which frees up as the
     * window slides. Pacing is not touched: it is this instance's own rate.
     */
    void assumeSpentInLastWindow(long units, long nowNanos) {
        if (unlimited() || units <= 0) {
            return;
        }
        expire(nowNanos);
        List<long[]> merged = new ArrayList<>(grants);
        long slice = WINDOW_NANOS / ASSUMED_SLICES;
        for (int i = 1; i <= ASSUMED_SLICES; i++) {
            long share = units / ASSUMED_SLICES + (i <= units % ASSUMED_SLICES ? 1 : 0);
            long at = nowNanos - WINDOW_NANOS + i * slice;
            if (share > 0) {
                merged.add(new long[] {at, share, at});
            }
        }
        merged.sort(Comparator.comparingLong(grant -> grant[0]));
        grants.clear();
        grants.addAll(merged);
        spent += units;
    }

    /** Units spent within the window ending at {@code nowNanos}. */
    long spentInWindow(long nowNanos) {
        expire(nowNanos);
        return spent;
    }

    private long paceReadyAt() {
        return paidUntilNanos == Long.MIN_VALUE ? Long.MIN_VALUE : paidUntilNanos - BURST_NANOS;
    }

    /** When enough of the oldest grants will have left the window for {@code units} more. */
    private long windowReadyAt(long units) {
        long excess = spent + units - limit;
        if (excess <= 0) {
            return Long.MIN_VALUE;
        }
        long freed = 0;
        for (long[] grant : grants) {
            freed += grant[1];
            if (freed >= excess) {
                return grant[0] + WINDOW_NANOS;
            }
        }
        throw new IllegalStateException("units " + units + " within the limit " + limit + " always fit an empty window");
    }

    private void record(long units, long nowNanos) {
        long[] newest = grants.peekLast();
        if (newest != null && nowNanos - newest[2] <= MERGE_NANOS) {
            newest[0] = Math.max(newest[0], nowNanos);
            newest[1] += units;
        } else {
            grants.addLast(new long[] {nowNanos, units, nowNanos});
        }
        spent += units;
    }

    private void expire(long nowNanos) {
        while (!grants.isEmpty() && grants.peekFirst()[0] + WINDOW_NANOS <= nowNanos) {
            spent -= grants.pollFirst()[1];
        }
    }

    /**
     * The most units one request should ask for when requests of varying size share this
     * quota: a hundredth of the limit (at least 1). A request waits until the window has room
     * for all of it, and the room it leaves unused meanwhile is lost, so small requests keep
     * the quota spent. Where each embedded text counts as a request, the cost in quota is the
     * same whatever the batch size.
     */
    static long largestRequestFor(long limit) {
        return limit <= 0 ? Long.MAX_VALUE : Math.max(1, limit / 100);
    }

    /** How long the quota takes to pay for {@code units} at its pace. */
    private long nanosFor(long units) {
        return (long) ((double) units * WINDOW_NANOS / limit);
    }
}

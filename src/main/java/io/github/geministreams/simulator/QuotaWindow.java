package io.github.geministreams.simulator;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A sliding-window quota: at most {@code limit} units in any {@code window}. Thread-safe.
 * Units are admitted only when the whole request fits, so rejected requests use no quota.
 */
final class QuotaWindow {
    private final long limit;
    private final long windowNanos;
    private final Deque<long[]> admitted = new ArrayDeque<>();
    private long used;

    /** @param limit units per window; 0 = unlimited */
    QuotaWindow(long limit, Duration window) {
        this.limit = limit;
        this.windowNanos = window.toNanos();
    }

    /**
     * Admits {@code units} now, or says how long until they would fit.
     *
     * @return {@link Duration#ZERO} when admitted, else the wait before retrying
     */
    synchronized Duration tryAdmit(long units, long nowNanos) {
        if (limit <= 0) {
            return Duration.ZERO;
        }
        expire(nowNanos);
        if (used + units <= limit) {
            admitted.addLast(new long[] {nowNanos, units});
            used += units;
            return Duration.ZERO;
        }
        // Wait until enough of the oldest admissions leave the window.
        long needed = used + Math.min(units, limit) - limit;
        long freed = 0;
        for (long[] entry : admitted) {
            freed += entry[1];
            if (freed >= needed) {
                return Duration.ofNanos(Math.max(1, entry[0] + windowNanos - nowNanos));
            }
        }
        return Duration.ofNanos(windowNanos);
    }

    synchronized void reset() {
        admitted.clear();
        used = 0;
    }

    private void expire(long nowNanos) {
        while (!admitted.isEmpty() && admitted.peekFirst()[0] + windowNanos <= nowNanos) {
            used -= admitted.pollFirst()[1];
        }
    }
}

package io.github.geministreams.pacing;

import io.github.geministreams.gemini.GeminiException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Requests-per-minute and tokens-per-minute quotas in front of Gemini, each a
 * {@link RollingQuota}: over any minute this instance never spends more than its share of
 * either, and under a steady demand it spends all of it. A limit of 0 means unlimited.
 * {@link #scale(double)} applies a fraction of the limits (the instance's share of the
 * project's quota, lowered further after 429s).
 *
 * <p><b>Never blocks.</b> {@link #acquire} returns a future that completes when the call may
 * start; a waiting call holds nothing but its place in line. Calls are let through in the
 * order they asked (first in, first out: a large embed bundle is not overtaken forever by
 * single requests), each charged in full when it goes. A call larger than a whole minute's
 * limit can never go: its future fails at once with a {@link GeminiException#largerThanQuota() GeminiException}, so the
 * caller can split it.
 *
 * <p><b>Threading.</b> Thread-safe. Futures complete on the caller's thread when the quota
 * has room at once, otherwise on the scheduler; never while a lock is held, because what
 * runs next is the HTTP call.
 */
final class GeminiRateLimiter {
    private static final CompletableFuture<Void> NOW = CompletableFuture.completedFuture(null);

    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final RollingQuota requests;
    private final RollingQuota tokens;
    private final ScheduledExecutorService scheduler;
    private final LongSupplier nanoClock;
    private final Deque<Waiter> waiting = new ArrayDeque<>();
    private ScheduledFuture<?> wakeUp;
    private long wakeUpAtNanos = Long.MAX_VALUE;

    public GeminiRateLimiter(long requestsPerMinute, long tokensPerMinute, ScheduledExecutorService scheduler) {
        this(requestsPerMinute, tokensPerMinute, scheduler, System::nanoTime);
    }

    GeminiRateLimiter(long requestsPerMinute, long tokensPerMinute, ScheduledExecutorService scheduler,
                      LongSupplier nanoClock) {
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.requests = new RollingQuota(requestsPerMinute);
        this.tokens = new RollingQuota(tokensPerMinute);
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
    }

    /** True when neither limit is set: nothing to share or scale. */
    public boolean unlimited() {
        return requests.unlimited() && tokens.unlimited();
    }

    /** The configured (whole project's) requests-per-minute limit; 0 = unlimited. */
    public long requestsPerMinute() {
        return requestsPerMinute;
    }

    /** The configured (whole project's) tokens-per-minute limit; 0 = unlimited. */
    public long tokensPerMinute() {
        return tokensPerMinute;
    }

    /** Requests per minute this instance applies now; 0 = unlimited. */
    public long requestsPerMinuteNow() {
        return requests.unlimited() ? 0 : requests.limit();
    }

    /** Tokens per minute this instance applies now; 0 = unlimited. */
    public long tokensPerMinuteNow() {
        return tokens.unlimited() ? 0 : tokens.limit();
    }

    /**
     * Applies {@code fraction} [0..1] of the configured limits from now on (at least 1 a
     * minute). What was spent in the last minute stays counted, so a lower share holds back
     * calls that are waiting.
     */
    public void scale(double fraction) {
        apply(fraction, fraction, 0);
    }

    /**
     * Applies new limits, in one step, before any waiting call is let out.
     *
     * @param fraction        of the configured limits, applied now
     * @param sizingFraction  of the configured limits that a single call may take at most; a
     *                        call between the two waits for the limits to grow back (a
     *                        backoff is temporary) instead of failing as larger than the quota
     * @param gainedFraction  of the configured limits to count as spent evenly over the last
     *                        minute by someone else (a share just gained, which its
     *                        previous owner may have spent; it frees up as that minute
     *                        slides by); 0 for none
     */
    public void apply(double fraction, double sizingFraction, double gainedFraction) {
        synchronized (this) {
            long now = nanoClock.getAsLong();
            if (!requests.unlimited()) {
                requests.setLimit(scaled(requestsPerMinute, fraction), scaled(requestsPerMinute, sizingFraction));
                requests.assumeSpentInLastWindow(Math.round(requestsPerMinute * gainedFraction), now);
            }
            if (!tokens.unlimited()) {
                tokens.setLimit(scaled(tokensPerMinute, fraction), scaled(tokensPerMinute, sizingFraction));
                tokens.assumeSpentInLastWindow(Math.round(tokensPerMinute * gainedFraction), now);
            }
        }
        release();
    }

    /** {@code perMinute} × {@code fraction}, at least 1. */
    public static long scaled(long perMinute, double fraction) {
        return Math.max(1, Math.round(perMinute * fraction));
    }

    /**
     * Waits for room for {@code requestCount} requests and {@code tokenCount} tokens, and
     * charges them.
     *
     * @return a future completed when the call may start, or failed with a
     *         {@link GeminiException#largerThanQuota() GeminiException} when the call is larger than a whole minute's limit
     */
    public CompletableFuture<Void> acquire(int requestCount, long tokenCount) {
        return acquire(requestCount, tokenCount, () -> true);
    }

    /**
     * As {@link #acquire(int, long)}, for a call that may stop being wanted while it waits (its
     * task closed): when its turn comes and {@code wanted} says false, it leaves the line
     * uncharged and its future fails with a {@link CancellationException}. {@code wanted} is
     * asked under this limiter's lock: it must be quick and must not call the limiter.
     */
    public CompletableFuture<Void> acquire(int requestCount, long tokenCount, BooleanSupplier wanted) {
        if (unlimited()) {
            return NOW;
        }
        Waiter waiter = new Waiter(requestCount, tokenCount, wanted, new CompletableFuture<>());
        synchronized (this) {
            GeminiException tooLarge = tooLarge(requestCount, tokenCount);
            if (tooLarge != null) {
                return CompletableFuture.failedFuture(tooLarge);
            }
            waiting.addLast(waiter);
        }
        release();
        return waiter.permit;
    }

    /**
     * Counts tokens a call used beyond what was charged for it (its real count came back with
     * the answer); calls that ask later wait for them.
     */
    public void owe(long extraTokens) {
        if (extraTokens <= 0 || tokens.unlimited()) {
            return;
        }
        synchronized (this) {
            tokens.owe(extraTokens, nanoClock.getAsLong());
        }
        release();
    }

    /**
     * The most requests one call should take now (an embed bundle's texts when each counts):
     * see {@link RollingQuota#largestRequestFor}; {@link Long#MAX_VALUE} when unlimited.
     */
    public long largestRequest() {
        return RollingQuota.largestRequestFor(requests.unlimited() ? 0 : requests.limit());
    }

    /** Calls waiting for their turn now. */
    public synchronized int waiting() {
        return waiting.size();
    }

    /** Lets out, in order, every waiting call the quotas have room for; schedules the next look. */
    private void release() {
        List<Waiter> due = new ArrayList<>();
        synchronized (this) {
            long now = nanoClock.getAsLong();
            long next = Long.MAX_VALUE;
            while (!waiting.isEmpty()) {
                Waiter head = waiting.peekFirst();
                if (!head.wanted.getAsBoolean()) {
                    // Nobody will send it: it leaves the line without spending the quota.
                    waiting.pollFirst();
                    head.failure = new CancellationException("no longer wanted while it waited for the quota");
                    due.add(head);
                    continue;
                }
                GeminiException tooLarge = tooLarge(head.requests, head.tokens);
                if (tooLarge != null) {
                    // The share shrank below this call since it asked.
                    waiting.pollFirst();
                    head.failure = tooLarge;
                    due.add(head);
                    continue;
                }
                long readyAt = Math.max(requests.readyAt(head.requests, now), tokens.readyAt(head.tokens, now));
                if (readyAt > now) {
                    next = readyAt;
                    break;
                }
                requests.spend(head.requests, now);
                tokens.spend(head.tokens, now);
                due.add(waiting.pollFirst());
            }
            scheduleWakeUp(next, now);
        }
        for (Waiter waiter : due) {
            if (waiter.failure != null) {
                waiter.permit.completeExceptionally(waiter.failure);
            } else {
                waiter.permit.complete(null);
            }
        }
    }

    private void scheduleWakeUp(long atNanos, long nowNanos) {
        if (atNanos == Long.MAX_VALUE || atNanos >= wakeUpAtNanos && wakeUp != null && !wakeUp.isDone()) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        wakeUpAtNanos = atNanos;
        wakeUp = scheduler.schedule(() -> {
            synchronized (this) {
                wakeUpAtNanos = Long.MAX_VALUE;
            }
            release();
        }, atNanos - nowNanos, TimeUnit.NANOSECONDS);
    }

    private GeminiException tooLarge(long requestCount, long tokenCount) {
        if (!requests.unlimited() && requestCount > requests.largestCall()) {
            return GeminiException.largerThanQuota(requestCount + " requests", requests.largestCall() + " requests");
        }
        if (!tokens.unlimited() && tokenCount > tokens.largestCall()) {
            return GeminiException.largerThanQuota("about " + tokenCount + " tokens", tokens.largestCall() + " tokens");
        }
        return null;
    }

    private static final class Waiter {
        final long requests;
        final long tokens;
        final BooleanSupplier wanted;
        final CompletableFuture<Void> permit;
        RuntimeException failure;

        Waiter(long requests, long tokens, BooleanSupplier wanted, CompletableFuture<Void> permit) {
            this.requests = requests;
            this.tokens = tokens;
            this.wanted = wanted;
            this.permit = permit;
        }
    }
}

package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The share of the quota applied to the limiter as tasks open and close, on simulated time. */
class QuotaShareTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong nanos = new AtomicLong(TimeUnit.HOURS.toNanos(1));

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private GeminiRateLimiter limiter(long requestsPerMinute) {
        return new GeminiRateLimiter(requestsPerMinute, 0, scheduler, nanos::get);
    }

    private void advanceSeconds(double seconds) {
        nanos.addAndGet((long) (seconds * 1e9));
    }

    /** Requests of one unit granted at once, up to {@code most}. */
    private static int grantedNow(GeminiRateLimiter limiter, int most) {
        int granted = 0;
        while (granted < most && limiter.acquire(1, 0).isDone()) {
            granted++;
        }
        return granted;
    }

    @Test
    void shouldFollowTheTasksOpenedAndClosedAndClaimNothingWithoutTasks() {
        GeminiRateLimiter limiter = limiter(600);
        QuotaShare share = new QuotaShare(limiter, new RateLimitBackoff(), false);
        assertEquals(1.0, share.fraction(), 1e-9, "until the partitions are known: the whole quota");
        share.promptPartitions(6);
        assertEquals(0.0, share.fraction(), 1e-9, "no task open: no share");
        assertEquals(1, limiter.requestsPerMinuteNow(), "the least a limiter applies");
        share.taskOpened();
        share.taskOpened();
        assertEquals(1.0 / 3, share.fraction(), 1e-9);
        assertEquals(200, limiter.requestsPerMinuteNow());
        share.taskClosed();
        assertEquals(1.0 / 6, share.fraction(), 1e-9);
        assertEquals(100, limiter.requestsPerMinuteNow(), "a lost share applies at once");
    }

    @Test
    void shouldTakeUpAGainedShareOverTheQuotaWindowAsIfItsPreviousOwnerHadSpentIt() {
        GeminiRateLimiter limiter = limiter(6000);
        QuotaShare share = new QuotaShare(limiter, new RateLimitBackoff(), true);
        share.promptPartitions(1);
        share.taskOpened();
        assertEquals(6000, limiter.requestsPerMinuteNow(), "the limit is the whole share at once");
        assertEquals(0, grantedNow(limiter, 6000),
                "at first the gained share counts as spent over the last minute: nothing is free yet");
        double granted = 0;
        for (int second = 1; second <= 30; second++) {
            advanceSeconds(1);
            granted += grantedNow(limiter, 6000);
        }
        // In 30 s half the assumed minute has left the window (3,000), pacing allows 100 a second (3,000).
        assertTrue(granted >= 2_700 && granted <= 3_200, "about half the minute's quota in the first 30 s: " + granted);
    }

    @Test
    void shouldSpendAGainedShareAtOnceWhenNothingElseUsesTheKey() {
        GeminiRateLimiter limiter = limiter(6000);
        QuotaShare share = new QuotaShare(limiter, new RateLimitBackoff(), false);
        share.promptPartitions(1);
        share.taskOpened();
        assertEquals(100, grantedNow(limiter, 6000), "a second's burst at once: nothing assumed spent");
    }

    @Test
    void shouldScaleByTheBackoffAfterA429Burst() {
        GeminiRateLimiter limiter = limiter(600);
        RateLimitBackoff backoff = new RateLimitBackoff();
        QuotaShare share = new QuotaShare(limiter, backoff, false);
        for (int i = 0; i < 100; i++) {
            backoff.attempted(1, 1, 1, i < 5 ? 429 : 200);
        }
        share.adjust();
        assertEquals(RateLimitBackoff.DECREASE, share.fraction(), 1e-9);
        assertEquals(420, limiter.requestsPerMinuteNow());
    }

    @Test
    void shouldAssumeAGainedShareSpentAtTheBackedOffRate() {
        GeminiRateLimiter limiter = limiter(6000);
        RateLimitBackoff backoff = new RateLimitBackoff();
        QuotaShare share = new QuotaShare(limiter, backoff, true);
        share.promptPartitions(2);
        for (int i = 0; i < 100; i++) {
            backoff.attempted(1, 1, 1, i < 5 ? 429 : 200);
        }
        share.adjust();
        share.taskOpened();
        assertEquals(2100, limiter.requestsPerMinuteNow(), "half the quota, times the backoff's 0.7");
        assertEquals(0, grantedNow(limiter, 6000), "the gained 2,100 a minute count as spent");
        int granted = 0;
        for (int second = 1; second <= 30; second++) {
            advanceSeconds(1);
            granted += grantedNow(limiter, 6000);
        }
        // A sixtieth of the assumed 2,100 frees up about every second: about 35 a second, as the pace allows.
        assertTrue(granted >= 900 && granted <= 1_100, "about half of 2,100 in the first 30 s: " + granted);
    }

    @Test
    void shouldPaceRequestsAtTheScaledRate() {
        GeminiRateLimiter limiter = limiter(600);
        limiter.scale(0.5);
        // 300 a minute: one second's worth (5) at once, then one every 0.2 s or so.
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.acquire(1, 1).isDone(), "request " + i + " fits in the first second");
        }
        CompletableFuture<Void> sixth = limiter.acquire(1, 1);
        assertFalse(sixth.isDone(), "the sixth waits for the pace");
    }
}

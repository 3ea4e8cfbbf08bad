package io.github.geministreams.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuotaShareTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private QuotaShare share(long requestsPerMinute) {
        return new QuotaShare(new GeminiRateLimiter(requestsPerMinute, 0, scheduler));
    }

    private static void answers(QuotaShare share, int ok, int rateLimited) {
        for (int i = 0; i < ok; i++) {
            share.recordAttempt(false);
        }
        for (int i = 0; i < rateLimited; i++) {
            share.recordAttempt(true);
        }
    }

    @Test
    void shouldTakeTheShareOfTheQuotaThatMatchesTheAssignedPartitions() {
        QuotaShare share = share(600);
        share.assign(2, 6);
        assertEquals(1.0 / 3, share.fraction(), 1e-9);
        share.assign(3, 6);
        assertEquals(0.5, share.fraction(), 1e-9, "a rebalance after an instance left");
        share.assign(0, 6);
        assertEquals(1.0 / 6, share.fraction(), 1e-9, "one partition's worth, for pending prompts");
    }

    @Test
    void shouldHalveAfterABurstOf429sAndClimbBackByATenthPerPeriod() {
        QuotaShare share = share(600);
        answers(share, 40, 20);
        share.adjust();
        assertEquals(0.5, share.fraction(), 1e-9);
        answers(share, 40, 20);
        share.adjust();
        assertEquals(0.25, share.fraction(), 1e-9);
        answers(share, 100, 0);
        share.adjust();
        assertEquals(0.35, share.fraction(), 1e-9);
        for (int i = 0; i < 10; i++) {
            share.adjust();
        }
        assertEquals(1.0, share.fraction(), 1e-9, "back to the full share, never above");
    }

    @Test
    void shouldIgnoreALone429OrAFewAmongManyAnswers() {
        QuotaShare share = share(600);
        answers(share, 0, 4);
        share.adjust();
        answers(share, 100, 15);
        share.adjust();
        assertEquals(1.0, share.fraction(), 1e-9);
    }

    @Test
    void shouldNeverGoBelowAFloorAndLeaveUnlimitedQuotasAlone() {
        QuotaShare limited = share(600);
        for (int i = 0; i < 20; i++) {
            answers(limited, 0, 10);
            limited.adjust();
        }
        assertEquals(QuotaShare.MIN_FACTOR, limited.fraction(), 1e-9);

        QuotaShare unlimited = share(0);
        unlimited.assign(1, 6);
        answers(unlimited, 0, 10);
        unlimited.adjust();
        assertEquals(1.0, unlimited.fraction(), 1e-9);
    }

    @Test
    void shouldPaceRequestsAtTheScaledRate() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 0, scheduler);
        limiter.scale(0.5);
        // 300 a minute: a bucket of 5 (one second's worth), then one every 0.2 s or so.
        for (int i = 0; i < 5; i++) {
            assertTrue(limiter.acquire(1, 1).isDone(), "request " + i + " fits in the bucket");
        }
        CompletableFuture<Void> sixth = limiter.acquire(1, 1);
        assertFalse(sixth.isDone(), "the sixth waits for the refill");
    }
}

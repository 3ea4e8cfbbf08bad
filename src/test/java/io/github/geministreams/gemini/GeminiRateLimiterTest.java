package io.github.geministreams.gemini;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GeminiRateLimiterTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void shouldNeverWaitWithoutLimits() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(0, 0, scheduler);
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limiter.acquire(1, 1_000).isDone());
        }
    }

    @Test
    void shouldLetOneSecondsWorthThroughAtOnceAndDelayTheRestWithoutBlocking() {
        // 600 a minute: 10 at once, then one every ~100 ms.
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 0, scheduler);
        List<CompletableFuture<Void>> permits = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 13; i++) {
            permits.add(limiter.acquire(1, 1));
        }
        // acquire() only reserves: asking for 13 did not block this thread for the ~300 ms they need.
        assertTrue(permits.subList(0, 10).stream().allMatch(CompletableFuture::isDone));
        assertFalse(permits.get(12).isDone(), "the 13th permit is not due yet");
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.stream().allMatch(CompletableFuture::isDone));
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(250).toNanos(), "3 extra permits need ~300 ms");
    }

    @Test
    void shouldHoldTheLargestCallSoABatchIsChargedInFull() {
        // 600 a minute, calls of up to 100 requests (an embed batch where each text counts).
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 0, 100, scheduler);
        assertTrue(limiter.acquire(100, 1).isDone(), "the first batch fits the bucket");
        CompletableFuture<Void> second = limiter.acquire(100, 1);
        assertFalse(second.isDone(), "the second batch waits for 100 more (about 12 s at 500 a minute of refill)");
        assertFalse(limiter.acquire(1, 1).isDone(), "and so does a single request behind it");
    }

    @Test
    void shouldLimitTokensToo() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(0, 6_000, scheduler);
        assertTrue(limiter.acquire(1, 100).isDone(), "a second's worth of tokens is available");
        CompletableFuture<Void> next = limiter.acquire(1, 100);
        assertFalse(next.isDone());
        await().atMost(Duration.ofSeconds(5)).until(next::isDone);
    }

    @Test
    void shouldCutAReservationLargerThanTheBucketSoItCanComplete() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(0, 60, scheduler);
        CompletableFuture<Void> huge = limiter.acquire(1, 1_000_000);
        await().atMost(Duration.ofSeconds(5)).until(huge::isDone);
    }

    @Test
    void shouldEstimateAboutFourCharactersPerToken() {
        assertEquals(1, GeminiRateLimiter.estimateTokens(""));
        assertEquals(25, GeminiRateLimiter.estimateTokens("x".repeat(100)));
    }
}

package io.github.geministreams.pacing;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.gemini.GeminiException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** The asynchronous front of the quota ledgers; their arithmetic is {@link RollingQuotaTest}'s. */
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
            assertTrue(limiter.acquire(100, 1_000_000).isDone());
        }
    }

    @Test
    void shouldLetOneSecondsWorthThroughAtOnceAndDelayTheRestWithoutBlocking() {
        // 600 a minute: 10 at once, then one every ~100 ms.
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 0, scheduler);
        List<CompletableFuture<Void>> permits = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            permits.add(limiter.acquire(1, 1));
        }
        // acquire() only queues: asking for 13 did not block this thread for the ~300 ms they need.
        assertTrue(permits.subList(0, 10).stream().allMatch(CompletableFuture::isDone));
        assertFalse(permits.get(12).isDone(), "the 13th permit is not due yet");
        assertTrue(limiter.waiting() > 0, "the last ones wait in line");
        await().atMost(Duration.ofSeconds(5)).until(() -> permits.stream().allMatch(CompletableFuture::isDone));
        assertEquals(0, limiter.waiting());
    }

    @Test
    void shouldDropACallNoLongerWantedWithoutChargingItsQuota() {
        // 60 a minute: one at once, then one a second.
        AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
        GeminiRateLimiter limiter = new GeminiRateLimiter(60, 0, scheduler, nanos::get);
        assertTrue(limiter.acquire(1, 0).isDone());
        AtomicBoolean wanted = new AtomicBoolean(true);
        CompletableFuture<Void> closedTasksCall = limiter.acquire(1, 0, wanted::get);
        CompletableFuture<Void> next = limiter.acquire(1, 0);
        assertFalse(closedTasksCall.isDone());
        wanted.set(false);
        nanos.addAndGet(1_000_000_000L);
        limiter.scale(1); // any look at the line, as the scheduler's wake-up would make
        assertTrue(closedTasksCall.isCompletedExceptionally(), "the unwanted call left the line");
        assertTrue(next.isDone(), "the next call got the second that the unwanted one would have spent");
    }

    @Test
    void shouldServeCallsInTheOrderTheyAskedSoALargeBatchIsNotOvertaken() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(6_000, 0, scheduler);
        List<String> order = new CopyOnWriteArrayList<>();
        limiter.acquire(100, 1).thenRun(() -> order.add("first batch"));
        CompletableFuture<Void> batch = limiter.acquire(100, 1).thenRun(() -> order.add("second batch"));
        CompletableFuture<Void> single = limiter.acquire(1, 1).thenRun(() -> order.add("single"));
        assertFalse(single.isDone(), "a single request does not overtake the batch waiting before it");
        await().atMost(Duration.ofSeconds(5)).until(() -> batch.isDone() && single.isDone());
        assertEquals(List.of("first batch", "second batch", "single"), order);
    }

    @Test
    void shouldFailACallLargerThanTheWholeMinuteSoTheCallerCanSplitIt() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(50, 1_000, scheduler);
        CompletionException tooMany = Assertions.assertThrows(CompletionException.class,
                () -> limiter.acquire(100, 1).join());
        GeminiException failure = GeminiException.fromSdk(tooMany);
        assertTrue(failure.largerThanQuota(), failure.getMessage());
        assertFalse(failure.retryable());
        assertTrue(failure.getMessage().contains("100 requests") && failure.getMessage().contains("50 requests"),
                failure.getMessage());
        assertTrue(GeminiException.fromSdk(assertThrowsJoin(limiter.acquire(1, 5_000))).largerThanQuota(),
                "a prompt of more tokens than a minute allows can never be sent either");
        CompletableFuture<Void> whole = limiter.acquire(50, 1_000);
        assertTrue(whole.isDone() && !whole.isCompletedExceptionally(), "exactly the whole minute fits");
    }

    @Test
    void shouldFailAWaitingCallWhenTheShareShrinksBelowIt() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 0, scheduler);
        assertTrue(limiter.acquire(600, 1).isDone());
        CompletableFuture<Void> waiting = limiter.acquire(600, 1);
        assertFalse(waiting.isDone());
        limiter.scale(0.5);
        assertTrue(waiting.isCompletedExceptionally(), "300 a minute can never hold 600");
        assertTrue(GeminiException.fromSdk(assertThrowsJoin(waiting)).largerThanQuota());
    }

    @Test
    void shouldApplyTheShareToBothLimits() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 60_000, scheduler);
        limiter.scale(1.0 / 6);
        assertEquals(100, limiter.requestsPerMinuteNow());
        assertEquals(10_000, limiter.tokensPerMinuteNow());
        assertEquals(600, limiter.requestsPerMinute(), "the configured limit is the project's and stays");
        assertEquals(60_000, limiter.tokensPerMinute());
    }

    @Test
    void shouldMakeLaterCallsWaitForTokensAnAnswerReportedBeyondItsEstimate() {
        GeminiRateLimiter limiter = new GeminiRateLimiter(0, 6_000, scheduler);
        assertTrue(limiter.acquire(1, 10).isDone());
        limiter.owe(5_000);
        assertFalse(limiter.acquire(1, 10).isDone(), "5,010 of 6,000 spent, paced at 100 a second: the next waits");
    }

    @Test
    void shouldCountAGainedShareOfRequestsAsSpentInTheLastMinute() {
        AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
        GeminiRateLimiter fits = new GeminiRateLimiter(600, 0, scheduler, nanos::get);
        fits.apply(1, 1, 0.5);
        assertTrue(fits.acquire(300, 1).isDone(), "half the minute is left");
        GeminiRateLimiter over = new GeminiRateLimiter(600, 0, scheduler, nanos::get);
        over.apply(1, 1, 0.5);
        assertFalse(over.acquire(301, 1).isDone(), "300 of 600 count as spent by the previous owner");
    }

    @Test
    void shouldCountAGainedShareOfTokensAsSpentInTheLastMinute() {
        AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
        GeminiRateLimiter fits = new GeminiRateLimiter(0, 60_000, scheduler, nanos::get);
        fits.apply(1, 1, 0.5);
        assertTrue(fits.acquire(1, 30_000).isDone());
        GeminiRateLimiter over = new GeminiRateLimiter(0, 60_000, scheduler, nanos::get);
        over.apply(1, 1, 0.5);
        assertFalse(over.acquire(1, 30_001).isDone());
    }

    @Test
    void shouldChargeTheTokensOfACallLetThrough() {
        AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
        GeminiRateLimiter limiter = new GeminiRateLimiter(0, 6_000, scheduler, nanos::get);
        assertTrue(limiter.acquire(1, 6_000).isDone());
        assertFalse(limiter.acquire(1, 1).isDone(), "the minute's tokens are spent");
    }

    @Test
    void shouldLetACallUpToTheFleetShareWaitWhileABackoffHoldsTheLimitBelowIt() {
        AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
        GeminiRateLimiter limiter = new GeminiRateLimiter(600, 0, scheduler, nanos::get);
        limiter.apply(0.5, 1, 0);
        CompletableFuture<Void> large = limiter.acquire(400, 1);
        assertFalse(large.isDone(), "larger than the backed-off limit, within the share: it waits");
        limiter.apply(1, 1, 0);
        assertTrue(large.isDone() && !large.isCompletedExceptionally(), "the limit grew back");
    }

    private static Throwable assertThrowsJoin(CompletableFuture<Void> future) {
        return Assertions.assertThrows(CompletionException.class, future::join);
    }
}

package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RequestPermitsTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void shouldLetAtMostTheLimitInFlightAndFollowItWhenItChanges() {
        int[] limit = {3};
        RequestPermits permits = new RequestPermits(() -> limit[0]);
        for (int i = 0; i < 3; i++) {
            assertTrue(permits.tryAcquire());
        }
        assertFalse(permits.tryAcquire(), "the fourth waits");
        limit[0] = 1;
        permits.release();
        assertFalse(permits.tryAcquire(), "a lower limit holds new requests back until enough have ended");
        permits.release();
        permits.release();
        assertTrue(permits.tryAcquire());
        assertEquals(1, permits.inFlight());
    }

    @Test
    void shouldWaitUntilIdle() throws InterruptedException {
        RequestPermits permits = new RequestPermits(() -> 64);
        assertTrue(permits.tryAcquire());
        assertFalse(permits.awaitIdle(Duration.ofMillis(20)), "one request is still in flight");
        scheduler.schedule(permits::release, 50, TimeUnit.MILLISECONDS);
        assertTrue(permits.awaitIdle(Duration.ofSeconds(5)));
        assertEquals(0, permits.inFlight());
    }
}

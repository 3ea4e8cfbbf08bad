package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConcurrencyLimitTest {
    private static final long SECONDS = 1_000_000_000L;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static void answers(ConcurrencyLimit limit, int count, double latencySeconds, int requests, int status) {
        for (int i = 0; i < count; i++) {
            limit.attempted((long) (latencySeconds * SECONDS), requests, 10, status);
            limit.completed((long) (latencySeconds * SECONDS));
        }
    }

    /** A limit under 6,000 requests a minute: 100 a second. */
    private ConcurrencyLimit under6000PerMinute() {
        return new ConcurrencyLimit(4096, new GeminiRateLimiter(6_000, 0, scheduler), () -> 0);
    }

    /** What Little's law should give: requests a second × seconds each, with headroom and the floor. */
    private static int littlesLaw(double requestsPerSecond, double seconds) {
        return (int) Math.ceil(requestsPerSecond * seconds * ConcurrencyLimit.HEADROOM) + ConcurrencyLimit.FLOOR;
    }

    @Test
    void shouldKeepWhatTheQuotaNeedsInFlightAtTheObservedLatency() {
        // 6,000 a minute = 100 requests a second; at 2 s each, Little's law says 200 in flight.
        ConcurrencyLimit limit = under6000PerMinute();
        answers(limit, 50, 2.0, 1, 200);
        limit.adjust();
        assertEquals(littlesLaw(100, 2.0), limit.limit());

        ConcurrencyLimit slower = under6000PerMinute();
        answers(slower, 50, 8.0, 1, 200);
        slower.adjust();
        assertEquals(4 * (limit.limit() - ConcurrencyLimit.FLOOR) + ConcurrencyLimit.FLOOR, slower.limit(),
                "four times the latency needs four times the requests in flight");
    }

    @Test
    void shouldCountTheBackoffOfRetriesAsTimeACallHoldsItsPlace() {
        // Attempts answer in 0.5 s, but calls take 2 s from start to end: they back off after 429s.
        ConcurrencyLimit limit = under6000PerMinute();
        for (int i = 0; i < 50; i++) {
            limit.attempted(SECONDS / 2, 1, 10, 200);
            limit.completed(2 * SECONDS);
        }
        limit.adjust();
        assertEquals(littlesLaw(100, 2.0), limit.limit());
    }

    @Test
    void shouldCountWhatOneRequestCostsAgainstTheQuota() {
        // Embed batches of 50 texts, each text a request of the quota: 2 batches a second.
        ConcurrencyLimit limit = under6000PerMinute();
        answers(limit, 20, 0.5, 50, 200);
        limit.adjust();
        assertEquals(littlesLaw(2, 0.5), limit.limit());
    }

    @Test
    void shouldFollowTheInstanceShareAndTheTokenQuota() {
        GeminiRateLimiter quota = new GeminiRateLimiter(60_000, 60_000, scheduler);
        ConcurrencyLimit limit = new ConcurrencyLimit(4096, quota, () -> 0);
        // 1,000 requests/s allowed, but 1,000 tokens/s at 100 tokens a request: 10 requests/s.
        for (int i = 0; i < 30; i++) {
            limit.attempted(SECONDS, 1, 100, 200);
            limit.completed(SECONDS);
        }
        limit.adjust();
        assertEquals(littlesLaw(10, 1.0), limit.limit(),
                "the tighter of the two quotas sets the rate");
    }

    @Test
    void shouldNeverExceedTheCap() {
        ConcurrencyLimit limit = new ConcurrencyLimit(64, new GeminiRateLimiter(100_000, 0, scheduler), () -> 0);
        answers(limit, 100, 5.0, 1, 200);
        limit.adjust();
        assertEquals(64, limit.limit());
    }

    @Test
    void shouldHalveOnABurstOf429sAnd503sAndGrowBack() {
        ConcurrencyLimit limit = under6000PerMinute();
        answers(limit, 100, 2.0, 1, 200);
        limit.adjust();
        int full = limit.limit();
        answers(limit, 95, 2.0, 1, 200);
        answers(limit, 5, 2.0, 1, 503);
        limit.adjust();
        assertTrue(limit.limit() <= full / 2 + 1, "halved: " + limit.limit() + " of " + full);
        for (int i = 0; i < 12; i++) {
            answers(limit, 100, 2.0, 1, 200);
            limit.adjust();
        }
        assertEquals(full, limit.limit(), "back to what the quota needs");

        answers(limit, 98, 2.0, 1, 200);
        answers(limit, 2, 2.0, 1, 429);
        limit.adjust();
        assertEquals(full, limit.limit(), "two 429s in a hundred are retried, not a reason to slow down");
    }

    @Test
    void shouldHalveWhenGeminiSuddenlySlowsDownAndFollowTheNewLatencyOnceItLasts() {
        ConcurrencyLimit limit = new ConcurrencyLimit(100_000, new GeminiRateLimiter(6_000, 0, scheduler), () -> 0);
        for (int i = 0; i < 5; i++) {
            answers(limit, 100, 1.0, 1, 200);
            limit.adjust();
        }
        int steady = limit.limit();
        answers(limit, 100, 3.0, 1, 200);
        limit.adjust();
        assertTrue(limit.limit() < steady, "a second three times slower than usual is a slowdown: " + limit.limit());
        for (int i = 0; i < 120; i++) {
            answers(limit, 100, 3.0, 1, 200);
            limit.adjust();
        }
        assertTrue(limit.limit() > 2 * steady, "once the slower latency lasts, Little's law asks for more in flight: "
                + limit.limit() + " against " + steady);
    }

    @Test
    void shouldStartAtTheUsualSixtyFourWithoutAQuota() {
        assertEquals(64, new ConcurrencyLimit(4096, new GeminiRateLimiter(0, 0, scheduler), () -> 0).limit());
    }

    @Test
    void shouldGrowWithoutAQuotaWhileLatencyStaysFlat() {
        // Every permit in use: the limit is what holds the requests back.
        ConcurrencyLimit limit = new ConcurrencyLimit(4096, new GeminiRateLimiter(0, 0, scheduler), () -> 64);
        for (int second = 0; second < 5; second++) {
            answers(limit, 200, 0.2, 1, 200);
            limit.adjust();
        }
        assertTrue(limit.limit() > 64, "flat latency with every permit in use: more in flight, " + limit.limit());
    }

    @Test
    void shouldKeepWhatItLearnedThroughASecondWithoutAnswers() {
        // Attempts answer in 0.5 s and charge two requests each; calls take 2 s from start to end.
        ConcurrencyLimit limit = under6000PerMinute();
        for (int i = 0; i < 20; i++) {
            limit.attempted(SECONDS / 2, 2, 10, 200);
            limit.completed(2 * SECONDS);
        }
        limit.adjust();
        assertEquals(littlesLaw(50, 2.0), limit.limit());
        limit.adjust();
        assertEquals(littlesLaw(50, 2.0), limit.limit(), "a quiet second teaches nothing: latency and cost stay");
    }

    @Test
    void shouldNotCallASecondExactlyTwiceAsSlowASlowdown() {
        ConcurrencyLimit limit = under6000PerMinute();
        answers(limit, 50, 1.0, 1, 200);
        limit.adjust();
        answers(limit, 50, 2.0, 1, 200);
        limit.adjust();
        // Latency smoothed to 0.3 × 2 + 0.7 × 1 = 1.3 s, and the factor stays 1.
        assertEquals(littlesLaw(100, 1.3), limit.limit());
    }

    @Test
    void shouldHalveOnThreeOverloadedAnswersWhenTheyAreMoreThanThreePercent() {
        ConcurrencyLimit limit = under6000PerMinute();
        answers(limit, 47, 2.0, 1, 200);
        answers(limit, 3, 2.0, 1, 429);
        limit.adjust();
        assertEquals((int) Math.ceil(littlesLaw(100, 2.0) * 0.5), limit.limit(), "3 of 50 answers were 429");

        ConcurrencyLimit few = under6000PerMinute();
        answers(few, 97, 2.0, 1, 200);
        answers(few, 3, 2.0, 1, 503);
        few.adjust();
        assertEquals(littlesLaw(100, 2.0), few.limit(), "3 of 100 is not more than 3 percent");
    }

    @Test
    void shouldFollowATokenQuotaAlone() {
        ConcurrencyLimit limit = new ConcurrencyLimit(4096, new GeminiRateLimiter(0, 60_000, scheduler), () -> 0);
        // 1,000 tokens a second at 100 tokens a request: 10 requests a second.
        for (int i = 0; i < 30; i++) {
            limit.attempted(SECONDS, 1, 100, 200);
            limit.completed(SECONDS);
        }
        limit.adjust();
        assertEquals(littlesLaw(10, 1.0), limit.limit());
    }

    @Test
    void shouldStayWellBelowTheCapWithoutAQuotaWhenNothingWaits() {
        ConcurrencyLimit limit = new ConcurrencyLimit(4096, new GeminiRateLimiter(0, 0, scheduler), () -> 0);
        answers(limit, 100, 0.2, 1, 200);
        limit.adjust();
        assertTrue(limit.limit() <= 64, "latency-driven, not the cap: " + limit.limit());
    }
}

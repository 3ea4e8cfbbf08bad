package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The quota ledger on simulated time: a saturating demand (a queue that never empties, served
 * first in, first out as {@link GeminiRateLimiter} serves it) for ten simulated minutes, over a
 * sweep of quotas, request sizes (batches of up to 100 texts, capped as the dispatcher caps
 * them, {@link RollingQuota#largestRequestFor}) and instance shares. Every 60 s window is checked, at every
 * grant, against the share; the long-run rate against 98% of it.
 */
class RollingQuotaTest {
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();
    private static final long RUN = Duration.ofMinutes(10).toNanos();

    static Stream<Arguments> quotasSizesAndShares() {
        List<Arguments> cases = new ArrayList<>();
        for (long quota : new long[] {10, 100, 1_000, 12_000, 100_000}) {
            for (String sizes : new String[] {"1", "100", "1..100"}) {
                for (int instances : new int[] {1, 2, 3, 6}) {
                    cases.add(Arguments.of(quota, sizes, instances));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}/min, requests of {1}, share 1/{2}")
    @MethodSource("quotasSizesAndShares")
    void shouldNeverExceedTheShareInAnyMinuteAndSpendAtLeast98PercentOfIt(long quota, String sizes, int instances) {
        long share = GeminiRateLimiter.scaled(quota, 1.0 / instances);
        RollingQuota ledger = new RollingQuota(share);
        LongSupplier nextSize = sizes(sizes, share);
        Deque<long[]> lastMinute = new ArrayDeque<>();
        long inLastMinute = 0;
        long spent = 0;
        long now = 0;
        long size = nextSize.getAsLong();
        while (true) {
            long readyAt = ledger.readyAt(size, now);
            assertTrue(readyAt != Long.MAX_VALUE, "a request within the limit always fits eventually");
            assertTrue(readyAt >= now, "never granted in the past");
            now = readyAt;
            if (now > RUN) {
                break;
            }
            ledger.spend(size, now);
            spent += size;
            lastMinute.addLast(new long[] {now, size});
            inLastMinute += size;
            while (lastMinute.peekFirst()[0] <= now - MINUTE) {
                inLastMinute -= lastMinute.pollFirst()[1];
            }
            assertTrue(inLastMinute <= share, () -> "over the share in a minute: " + share);
            size = nextSize.getAsLong();
        }
        double perMinute = spent / ((double) RUN / MINUTE);
        assertTrue(perMinute >= 0.98 * share, "long-run rate " + perMinute + " of a share of " + share + " per minute");
    }

    @Test
    void shouldChargeALargeRequestInFullSoTheNextWaitsForTheWindow() {
        RollingQuota ledger = new RollingQuota(100);
        assertEquals(0, ledger.readyAt(100, 0));
        ledger.spend(100, 0);
        long next = ledger.readyAt(1, 0);
        assertTrue(next >= MINUTE, "one more request waits until the batch of 100 leaves the window: " + next);
        assertEquals(Long.MAX_VALUE, ledger.readyAt(101, 0), "more than the whole limit never fits");
    }

    @Test
    void shouldPaceRequestsInsteadOfSpendingTheMinuteAtOnce() {
        RollingQuota ledger = new RollingQuota(6_000);
        long now = 0;
        int grantedInFirstSecond = 0;
        while (ledger.readyAt(1, now) == now) {
            ledger.spend(1, now);
            grantedInFirstSecond++;
        }
        // 100 a second, with one second of burst tolerance.
        assertTrue(grantedInFirstSecond >= 100 && grantedInFirstSecond <= 102, "burst " + grantedInFirstSecond);
        long next = ledger.readyAt(1, now);
        assertTrue(next > 0 && next <= Duration.ofMillis(11).toNanos(), "then one every ~10 ms: " + next);
    }

    @Test
    void shouldMakeLaterRequestsWaitForTokensOwed() {
        RollingQuota ledger = new RollingQuota(600);
        ledger.spend(10, 0);
        long before = ledger.readyAt(10, 0);
        ledger.owe(500, 0);
        assertEquals(510, ledger.spentInWindow(0));
        assertTrue(ledger.readyAt(10, 0) > before, "what an answer really cost delays the next calls");
        assertTrue(ledger.readyAt(100, 0) >= MINUTE, "and a request that no longer fits waits for the window");
    }

    @Test
    void shouldHoldBackRequestsWhenTheLimitIsLowered() {
        RollingQuota ledger = new RollingQuota(1_000);
        for (int i = 0; i < 10; i++) {
            ledger.spend(50, 0);
        }
        ledger.setLimit(400, 400);
        assertTrue(ledger.readyAt(1, 0) >= MINUTE, "500 spent is over a new limit of 400 until it leaves the window");
        assertEquals(0, new RollingQuota(0).readyAt(1_000_000, 0), "unlimited");
    }

    /** Request sizes as the dispatcher makes them: batches of up to 100 texts, capped for the share. */
    private static LongSupplier sizes(String spec, long limit) {
        long largest = Math.min(100, RollingQuota.largestRequestFor(limit));
        if (spec.equals("1..100")) {
            Random random = new Random(7);
            return () -> Math.min(largest, 1 + random.nextInt(100));
        }
        long size = Math.min(largest, Long.parseLong(spec));
        return () -> size;
    }

    /** The span of one of the slices an assumed minute of spending is recorded in. */
    private static final long SLICE = RollingQuota.WINDOW.plus(RollingQuota.MARGIN).toNanos() / RollingQuota.ASSUMED_SLICES;

    @Test
    void shouldFreeAnAssumedMinuteOfSpendingEvenlyAsTheWindowSlides() {
        long now = 10 * MINUTE;
        RollingQuota ledger = new RollingQuota(600);
        ledger.assumeSpentInLastWindow(600, now);
        assertEquals(600, ledger.spentInWindow(now));
        assertEquals(now + SLICE, ledger.readyAt(1, now), "the oldest slice leaves the window first");
        assertEquals(600, ledger.spentInWindow(now + SLICE - 1));
        assertEquals(590, ledger.spentInWindow(now + SLICE));
        assertEquals(300, ledger.spentInWindow(now + 30 * SLICE));
        assertEquals(0, ledger.spentInWindow(now + 60 * SLICE));
    }

    @Test
    void shouldSpreadTheRemainderOfAnAssumedSpendingOverTheOldestSlices() {
        long now = 10 * MINUTE;
        RollingQuota ledger = new RollingQuota(600);
        ledger.assumeSpentInLastWindow(65, now);
        assertEquals(65, ledger.spentInWindow(now));
        assertEquals(63, ledger.spentInWindow(now + SLICE), "the five oldest slices hold two each");
        assertEquals(55, ledger.spentInWindow(now + 5 * SLICE));
        assertEquals(54, ledger.spentInWindow(now + 6 * SLICE));
        RollingQuota small = new RollingQuota(600);
        small.assumeSpentInLastWindow(3, now);
        assertEquals(2, small.spentInWindow(now + SLICE), "fewer units than slices: only the oldest slices hold one");
        assertEquals(0, small.spentInWindow(now + 3 * SLICE));
    }

    @Test
    void shouldKeepOwnGrantsInTimeOrderAmongAnAssumedSpending() {
        long now = 10 * MINUTE;
        RollingQuota ledger = new RollingQuota(1_000);
        long ownGrant = now - 30 * SLICE - SLICE / 2;
        ledger.spend(100, ownGrant);
        ledger.assumeSpentInLastWindow(600, now);
        assertEquals(700, ledger.spentInWindow(now));
        // The older slices leave the window although this instance's own grant is newer than they are.
        assertEquals(600, ledger.spentInWindow(now + 10 * SLICE));
        // Then the own grant leaves, once, with its slice-mates.
        assertEquals(700 - 100 - 310, ledger.spentInWindow(now + 31 * SLICE));
    }

    @Test
    void shouldAssumeNothingForNoUnitsOrWithoutALimit() {
        RollingQuota ledger = new RollingQuota(600);
        ledger.assumeSpentInLastWindow(0, MINUTE);
        assertEquals(0, ledger.spentInWindow(MINUTE));
        assertEquals(MINUTE, ledger.readyAt(600, MINUTE));
        RollingQuota unlimited = new RollingQuota(0);
        unlimited.assumeSpentInLastWindow(600, MINUTE);
        assertEquals(0, unlimited.spentInWindow(MINUTE));
    }

    @Test
    void shouldCountAGrantInTheWindowUntilExactlyAWindowAndMarginHavePassed() {
        long window = RollingQuota.WINDOW.plus(RollingQuota.MARGIN).toNanos();
        RollingQuota ledger = new RollingQuota(600);
        ledger.spend(5, MINUTE);
        assertEquals(5, ledger.spentInWindow(MINUTE + window - 1));
        assertEquals(0, ledger.spentInWindow(MINUTE + window));
    }

    @Test
    void shouldMergeGrantsWithinFiveMillisecondsAtTheLatestTime() {
        long window = RollingQuota.WINDOW.plus(RollingQuota.MARGIN).toNanos();
        long ms = Duration.ofMillis(1).toNanos();
        RollingQuota ledger = new RollingQuota(100_000);
        ledger.spend(1, MINUTE);
        ledger.spend(1, MINUTE + 5 * ms);
        ledger.spend(1, MINUTE + 6 * ms);
        // The first two are one entry, counted until the later one's window ends: never earlier.
        assertEquals(3, ledger.spentInWindow(MINUTE + window + 4 * ms));
        assertEquals(1, ledger.spentInWindow(MINUTE + window + 5 * ms));
        assertEquals(0, ledger.spentInWindow(MINUTE + window + 6 * ms));
    }

    @Test
    void shouldNeverLetMoreThanTheWholeLimitThrough() {
        RollingQuota ledger = new RollingQuota(100);
        assertEquals(Long.MAX_VALUE, ledger.readyAt(101, MINUTE));
        assertEquals(MINUTE, ledger.readyAt(100, MINUTE));
        assertEquals(MINUTE, ledger.readyAt(0, MINUTE), "nothing asked, nothing to wait for");
        ledger.spend(0, MINUTE);
        assertEquals(0, ledger.spentInWindow(MINUTE));
    }
}

package io.github.geministreams.topology.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OpenCacheKeysTest {
    private static final CacheEntry ANSWER = new CacheEntry(1, "m", new float[] {1, 2}, null);

    private final OpenCacheKeys open = new OpenCacheKeys();

    @Test
    void shouldLetTheFirstCopyClaimAKeyAndRepeatsJoinIt() {
        OpenCacheKeys.Ticket first = open.claimOrJoin("k");
        OpenCacheKeys.Ticket repeat = open.claimOrJoin("k");
        assertTrue(first.claimed());
        assertFalse(repeat.claimed());
        assertSame(first.flight(), repeat.flight());
        assertFalse(repeat.flight().settled());
        assertNull(repeat.flight().answer());
        assertTrue(open.claimOrJoin("other").claimed());
    }

    @Test
    void shouldKeepAnAnsweredFlightUntilRetiredAndLeft() {
        OpenCacheKeys.Flight flight = open.claimOrJoin("k").flight();
        OpenCacheKeys.Ticket early = open.claimOrJoin("k");
        open.answered(flight, ANSWER);
        assertSame(ANSWER, early.flight().answer());

        // Read after the answer, before the cache store has it: joins, and finds the answer.
        OpenCacheKeys.Ticket late = open.claimOrJoin("k");
        assertSame(ANSWER, late.flight().answer());
        open.retire(flight);
        assertEquals(1, open.size(), "repeats still hold it");
        open.leave(early.flight());
        open.leave(late.flight());
        assertEquals(0, open.size());
    }

    @Test
    void shouldDropAnAnsweredFlightWithoutRepeatsWhenRetired() {
        OpenCacheKeys.Flight flight = open.claimOrJoin("k").flight();
        open.answered(flight, ANSWER);
        assertEquals(1, open.size());
        open.retire(flight);
        assertEquals(0, open.size());
        assertTrue(open.claimOrJoin("k").claimed(), "the next copy is a first copy again");
    }

    @Test
    void shouldOpenANewFlightOverARetiredOneThatRepeatsStillHold() {
        OpenCacheKeys.Flight flight = open.claimOrJoin("k").flight();
        OpenCacheKeys.Ticket repeat = open.claimOrJoin("k");
        open.answered(flight, ANSWER);
        open.retire(flight);
        OpenCacheKeys.Ticket next = open.claimOrJoin("k");
        assertTrue(next.claimed());
        assertNotSame(flight, next.flight());
        open.leave(repeat.flight());
        assertEquals(1, open.size(), "the old flight's last repeat leaves the new flight alone");
    }

    @Test
    void shouldReleaseRepeatsAndForgetTheKeyWhenTheFirstCopyFails() {
        OpenCacheKeys.Flight flight = open.claimOrJoin("k").flight();
        OpenCacheKeys.Ticket repeat = open.claimOrJoin("k");
        open.failed(flight);
        assertTrue(repeat.flight().settled());
        assertNull(repeat.flight().answer(), "no answer: the repeat goes to Gemini itself");
        assertEquals(0, open.size());
        open.leave(repeat.flight());
        assertEquals(0, open.size());
    }

    @Test
    void shouldOpenEachKeyOnceWhenThreadsClaimTogether() throws Exception {
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<OpenCacheKeys.Ticket>> tickets = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                tickets.add(pool.submit(() -> {
                    go.await();
                    return open.claimOrJoin("k");
                }));
            }
            go.countDown();
            int claims = 0;
            List<OpenCacheKeys.Ticket> joined = new ArrayList<>();
            OpenCacheKeys.Flight flight = null;
            for (Future<OpenCacheKeys.Ticket> ticket : tickets) {
                OpenCacheKeys.Ticket taken = ticket.get();
                if (taken.claimed()) {
                    claims++;
                    flight = taken.flight();
                } else {
                    joined.add(taken);
                }
            }
            assertEquals(1, claims);
            open.answered(flight, ANSWER);
            open.retire(flight);
            for (OpenCacheKeys.Ticket ticket : joined) {
                assertSame(flight, ticket.flight());
                assertEquals(1, open.size());
                open.leave(ticket.flight());
            }
            assertEquals(0, open.size());
        } finally {
            pool.shutdownNow();
        }
    }
}

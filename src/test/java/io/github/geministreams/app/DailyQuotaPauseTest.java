package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When processing pauses for an exhausted daily quota: never while an answer may still need forwarding. */
class DailyQuotaPauseTest {
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> calls = new ArrayList<>();
    private final DailyQuotaPause pause = new DailyQuotaPause(() -> calls.add("pause"), () -> calls.add("resume"),
            held::get, inFlight::get);

    @Test
    void shouldPauseOnlyOnceEveryRequestInFlightIsHeldOnTheDailyQuota() {
        inFlight.set(3);
        held.set(1);
        pause.check();
        assertFalse(pause.paused(), "two requests may still be answered: the punctuators must run to forward them");
        inFlight.set(1);
        pause.check();
        assertTrue(pause.paused(), "only the held request is left: nothing to forward until the quota is back");
        assertEquals(List.of("pause"), calls);
    }

    @Test
    void shouldResumeWhenAHeldRequestGoesThroughSoThatItsAnswerIsForwarded() {
        inFlight.set(2);
        held.set(2);
        pause.check();
        assertTrue(pause.paused());
        held.set(1);
        pause.check();
        assertFalse(pause.paused(), "one request went through: its answer must be forwarded");
        inFlight.set(1);
        pause.check();
        assertTrue(pause.paused(), "answered and forwarded: only held requests again");
        held.set(0);
        inFlight.set(0);
        pause.check();
        assertEquals(List.of("pause", "resume", "pause", "resume"), calls);
    }
}

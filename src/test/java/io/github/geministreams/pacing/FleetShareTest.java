package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fleet share's arithmetic, the listener fan-out and the retry settings' validation. */
class FleetShareTest {
    @Test
    void shouldReturnTheShareGainedOrLostAtEachChange() {
        FleetShare share = new FleetShare();
        assertEquals("all (partitions not known)", share.describe());
        assertEquals(-1.0, share.promptPartitions(4), 1e-9, "known partitions, none owned: the whole quota is lost");
        assertEquals(0.25, share.taskOpened(), 1e-9);
        assertEquals(0.25, share.taskOpened(), 1e-9);
        assertEquals("2/4 partitions", share.describe());
        assertEquals(-0.25, share.taskClosed(), 1e-9);
        assertEquals(0.25, share.fraction(), 1e-9);
        assertEquals(-0.25, share.taskClosed(), 1e-9);
        assertEquals(0.0, share.taskClosed(), 1e-9, "never below none");
    }

    @Test
    void shouldTellBothListenersOfEveryAttemptAndCall() {
        List<String> heard = new ArrayList<>();
        AttemptListener first = new AttemptListener() {
            @Override
            public void attempted(long latencyNanos, int requests, long tokens, int httpStatus) {
                heard.add("first attempted " + httpStatus);
            }

            @Override
            public void completed(long serviceNanos) {
                heard.add("first completed " + serviceNanos);
            }
        };
        AttemptListener second = new AttemptListener() {
            @Override
            public void attempted(long latencyNanos, int requests, long tokens, int httpStatus) {
                heard.add("second attempted " + httpStatus);
            }

            @Override
            public void completed(long serviceNanos) {
                heard.add("second completed " + serviceNanos);
            }
        };
        AttemptListener both = AttemptListener.both(first, second);
        both.attempted(1, 1, 1, 429);
        both.completed(7);
        assertEquals(List.of("first attempted 429", "second attempted 429", "first completed 7", "second completed 7"),
                heard);
    }

    @Test
    void shouldRejectRetrySettingsOutsideTheirRange() {
        Duration ms = Duration.ofMillis(1);
        assertEquals(1, new RetrySettings(1, ms, ms, 0, ms).maxAttempts());
        assertEquals(1.0, new RetrySettings(3, ms, ms, 1, ms).jitterFactor());
        assertThrows(IllegalArgumentException.class, () -> new RetrySettings(0, ms, ms, 0.2, ms));
        assertThrows(IllegalArgumentException.class, () -> new RetrySettings(3, ms, ms, -0.1, ms));
        assertThrows(IllegalArgumentException.class, () -> new RetrySettings(3, ms, ms, 1.1, ms));
    }
}

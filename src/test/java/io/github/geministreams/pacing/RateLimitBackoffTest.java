package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RateLimitBackoffTest {
    private static void answers(RateLimitBackoff backoff, int ok, int rateLimited) {
        for (int i = 0; i < ok; i++) {
            backoff.attempted(1, 1, 1, 200);
        }
        for (int i = 0; i < rateLimited; i++) {
            backoff.attempted(1, 1, 1, 429);
        }
    }

    @Test
    void shouldReactToAFewPercentOf429sSpreadOverSeveralSeconds() {
        RateLimitBackoff backoff = new RateLimitBackoff();
        // 2.5% of 429s, one a second: no single second looks like a burst.
        for (int second = 1; second < RateLimitBackoff.MIN_RATE_LIMITED; second++) {
            answers(backoff, 39, 1);
            assertNull(backoff.adjust(), "not yet: " + second + " 429s in the window");
        }
        answers(backoff, 39, 1);
        assertNotNull(backoff.adjust(), "3 of 120 attempts in 3 s were 429");
        assertEquals(RateLimitBackoff.DECREASE, backoff.factor(), 1e-9);
    }

    @Test
    void shouldIgnoreALone429AndTooFewAmongManyAnswers() {
        RateLimitBackoff backoff = new RateLimitBackoff();
        answers(backoff, 0, 2);
        backoff.adjust();
        answers(backoff, 1000, 1);
        backoff.adjust();
        assertEquals(1.0, backoff.factor(), 1e-9, "3 of 1,003 (0.3%) is below the 2% that counts");
    }

    @Test
    void shouldJudgeAgainOnlyAWindowAfterACutAndClimbBackOnlyWithout429s() {
        RateLimitBackoff backoff = new RateLimitBackoff();
        answers(backoff, 10, 10);
        backoff.adjust();
        assertEquals(0.7, backoff.factor(), 1e-9);
        answers(backoff, 40, 5);
        assertNull(backoff.adjust(), "the tail of the same burst does not cut again at once");
        for (int second = 2; second < RateLimitBackoff.WINDOW_PERIODS; second++) {
            answers(backoff, 100, 0);
            assertNull(backoff.adjust());
        }
        answers(backoff, 100, 0);
        assertNull(backoff.adjust(), "5 of 445 in the window after the cut: under 2%, but its 429s hold the factor");
        assertEquals(0.7, backoff.factor(), 1e-9);
        answers(backoff, 100, 0);
        backoff.adjust();
        assertEquals(0.75, backoff.factor(), 1e-9, "climbs once the window is clean");
        for (int i = 0; i < 100; i++) {
            backoff.adjust();
        }
        assertEquals(1.0, backoff.factor(), 1e-9, "back to the full share, never above");
    }

    @Test
    void shouldNeverGoBelowTheFloor() {
        RateLimitBackoff backoff = new RateLimitBackoff();
        for (int i = 0; i < 50; i++) {
            answers(backoff, 0, 10);
            backoff.adjust();
        }
        assertEquals(RateLimitBackoff.MIN_FACTOR, backoff.factor(), 1e-9);
    }

    @Test
    void shouldNotCutWhenThe429sAreExactlyTwoPercent() {
        RateLimitBackoff backoff = new RateLimitBackoff();
        answers(backoff, 147, 3);
        assertNull(backoff.adjust(), "3 of 150 is 2%, not more");
        assertEquals(1.0, backoff.factor(), 1e-9);
    }

    @Test
    void shouldSayNothingChangedWhileAtTheFullShareWithout429s() {
        RateLimitBackoff backoff = new RateLimitBackoff();
        answers(backoff, 100, 0);
        assertNull(backoff.adjust());
        assertEquals(1.0, backoff.factor(), 1e-9);
    }
}

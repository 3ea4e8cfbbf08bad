package io.github.geministreams.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class QuotaWindowTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void shouldAdmitUpToTheLimitInAnyWindowAndSayWhenMoreFits() {
        QuotaWindow quota = new QuotaWindow(3, Duration.ofSeconds(60));
        assertEquals(Duration.ZERO, quota.tryAdmit(1, 0));
        assertEquals(Duration.ZERO, quota.tryAdmit(2, 10 * SECOND));
        assertEquals(Duration.ofSeconds(50), quota.tryAdmit(1, 10 * SECOND), "the first unit leaves at 60 s");
        assertEquals(Duration.ofSeconds(60), quota.tryAdmit(3, 10 * SECOND), "all three leave at 70 s");
        assertEquals(Duration.ZERO, quota.tryAdmit(1, 60 * SECOND));
    }

    @Test
    void shouldNotChargeRejectedRequests() {
        QuotaWindow quota = new QuotaWindow(2, Duration.ofSeconds(60));
        quota.tryAdmit(2, 0);
        for (int i = 0; i < 5; i++) {
            assertTrue(quota.tryAdmit(1, SECOND).toNanos() > 0);
        }
        assertEquals(Duration.ZERO, quota.tryAdmit(2, 60 * SECOND));
    }

    @Test
    void shouldAdmitEverythingWithoutALimit() {
        QuotaWindow quota = new QuotaWindow(0, Duration.ofSeconds(60));
        for (int i = 0; i < 1000; i++) {
            assertEquals(Duration.ZERO, quota.tryAdmit(1_000, 0));
        }
    }
}

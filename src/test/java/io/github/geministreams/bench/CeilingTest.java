package io.github.geministreams.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CeilingTest {
    private static BenchScenario scenario(Workload workload, long requestsPerMinute, boolean batchCountsOnce, double rate) {
        return new BenchScenario(workload, 1_000, 0, 0, rate, 50, Duration.ofMillis(200), Duration.ZERO,
                requestsPerMinute, 0, batchCountsOnce, 0, 0, 64, 1, Set.of(BenchRow.GEMINI_STREAMS), Map.of(), Duration.ofMinutes(1));
    }

    @Test
    void shouldBeTheConcurrencyCeilingWithoutAQuota() {
        assertEquals(320, Ceiling.itemsPerSecond(scenario(Workload.GENERATE, 0, false, 0), 1, 100), 1e-9);
        assertEquals(32_000, Ceiling.itemsPerSecond(scenario(Workload.EMBED, 0, false, 0), 1, 100), 1e-9);
        assertEquals(960, Ceiling.itemsPerSecond(scenario(Workload.GENERATE, 0, false, 0), 3, 100), 1e-9);
    }

    @Test
    void shouldCountEitherEveryTextOrEveryBatchAgainstTheQuota() {
        assertEquals(1_000, Ceiling.itemsPerSecond(scenario(Workload.EMBED, 600, true, 0), 1, 100), 1e-9);
        assertEquals(10, Ceiling.itemsPerSecond(scenario(Workload.EMBED, 600, false, 0), 1, 100), 1e-9);
    }

    @Test
    void shouldWeighAMixedWorkloadByItsRequestsPerPrompt() {
        // Half the prompts take a request each, the other half a hundredth of one.
        assertEquals(320 / 0.505, Ceiling.itemsPerSecond(scenario(Workload.MIXED, 0, false, 0), 1, 100), 1e-9);
    }

    @Test
    void shouldNeverExceedTheArrivalRate() {
        assertEquals(2, Ceiling.itemsPerSecond(scenario(Workload.EMBED, 0, false, 2), 1, 100), 1e-9);
    }
}

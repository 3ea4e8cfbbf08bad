package io.github.geministreams.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.bench.Ceiling.Limit;
import io.github.geministreams.model.Mode;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CeilingTest {
    private static final OptionalDouble NOT_MEASURED = OptionalDouble.empty();

    private static BenchScenario scenario(Workload workload, long requestsPerMinute, boolean batchCountsOnce, double rate) {
        return scenario(workload, requestsPerMinute, 0, 0, batchCountsOnce, rate);
    }

    private static BenchScenario scenario(Workload workload, long requestsPerMinute, long tokensPerMinute, int promptTokens,
                                          boolean batchCountsOnce, double rate) {
        return new BenchScenario(workload, 1_000, promptTokens, 0, rate, 50, Duration.ofMillis(200), Duration.ZERO,
                requestsPerMinute, tokensPerMinute, batchCountsOnce, 0, 0, 64, 1, 0, Set.of(BenchRow.GEMINI_STREAMS), Map.of(),
                Duration.ofMinutes(1), 0, Mode.ONLINE, Duration.ofSeconds(2));
    }

    @Test
    void shouldBeUnboundedWithoutAQuotaARateOrTheClientOnlyRow() {
        Ceiling ceiling = Ceiling.of(scenario(Workload.GENERATE, 0, false, 0), 100, NOT_MEASURED);
        assertEquals(Double.POSITIVE_INFINITY, ceiling.itemsPerSecond());
        assertEquals(Limit.NONE, ceiling.limit());
        assertEquals("set by nothing: no quota, no rate; client-only not measured", ceiling.describe());
    }

    @Test
    void shouldCountEitherEveryTextOrEveryBatchAgainstTheQuota() {
        assertEquals(1_000, Ceiling.of(scenario(Workload.EMBED, 600, true, 0), 100, NOT_MEASURED).itemsPerSecond(), 1e-9);
        assertEquals(10, Ceiling.of(scenario(Workload.EMBED, 600, false, 0), 100, NOT_MEASURED).itemsPerSecond(), 1e-9);
        assertEquals(Limit.REQUESTS_QUOTA, Ceiling.of(scenario(Workload.EMBED, 600, false, 0), 100, NOT_MEASURED).limit());
    }

    @Test
    void shouldWeighAMixedWorkloadByItsQuotaRequestsPerPrompt() {
        // Half the prompts take a request each, the other half a hundredth of one when a batch counts once.
        assertEquals(10 / 0.505, Ceiling.of(scenario(Workload.MIXED, 600, true, 0), 100, NOT_MEASURED).itemsPerSecond(), 1e-9);
        assertEquals(10, Ceiling.of(scenario(Workload.MIXED, 600, false, 0), 100, NOT_MEASURED).itemsPerSecond(), 1e-9);
    }

    @Test
    void shouldCountEveryPromptsTokensAgainstTheTokenQuota() {
        // 60,000 tokens a minute of prompts of 100 tokens: 10 a second, under the 100 a second of 6,000 requests.
        Ceiling ceiling = Ceiling.of(scenario(Workload.GENERATE, 6_000, 60_000, 100, false, 0), 100, NOT_MEASURED);
        assertEquals(10, ceiling.itemsPerSecond(), 1e-9);
        assertEquals(Limit.TOKENS_QUOTA, ceiling.limit());
        // Embedded texts count their tokens one by one, however they are batched.
        assertEquals(10, Ceiling.of(scenario(Workload.EMBED, 0, 60_000, 100, true, 0), 100, NOT_MEASURED).itemsPerSecond(),
                1e-9);
    }

    @Test
    void shouldCountTheShortTextsAsTheSimulatorDoesWithoutPadding() {
        double tokens = PromptText.meanTokens(1_000, 0);
        assertEquals(600 / 60.0 / tokens,
                Ceiling.of(scenario(Workload.GENERATE, 0, 600, 0, false, 0), 100, NOT_MEASURED).itemsPerSecond(), 1e-9);
    }

    @Test
    void shouldNeverExceedTheArrivalRate() {
        assertEquals(2, Ceiling.of(scenario(Workload.EMBED, 0, false, 2), 100, NOT_MEASURED).itemsPerSecond(), 1e-9);
        assertEquals(Limit.RATE, Ceiling.of(scenario(Workload.EMBED, 600, true, 2), 100, OptionalDouble.of(700)).limit());
    }

    @Test
    void shouldBeTheClientOnlyRowWhenTheMachineIsSlowerThanTheQuota() {
        Ceiling ceiling = Ceiling.of(scenario(Workload.EMBED, 600, true, 0), 100, OptionalDouble.of(763.4));
        assertEquals(763.4, ceiling.itemsPerSecond(), 1e-9);
        assertEquals(Limit.CLIENT_ONLY, ceiling.limit());
        assertTrue(ceiling.clientOnlyMeasured());
        assertEquals("set by the client-only row", ceiling.describe());
    }

    @Test
    void shouldBeTheQuotaWhenItIsBelowTheClientOnlyRow() {
        Ceiling ceiling = Ceiling.of(scenario(Workload.EMBED, 600, false, 0), 100, OptionalDouble.of(763.4));
        assertEquals(10, ceiling.itemsPerSecond(), 1e-9);
        assertEquals(Limit.REQUESTS_QUOTA, ceiling.limit());
        assertEquals("set by the requests/min quota", ceiling.describe());
    }

    @Test
    void shouldSayWhenTheClientOnlyRowWasNotMeasured() {
        Ceiling ceiling = Ceiling.of(scenario(Workload.EMBED, 600, true, 0), 100, NOT_MEASURED);
        assertFalse(ceiling.clientOnlyMeasured());
        assertEquals("set by the requests/min quota; client-only not measured", ceiling.describe());
    }
}

package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.genai.GenAiGeminiClient;
import io.github.geministreams.gemini.genai.GenAiSettings;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.ModelFaults;
import io.github.geministreams.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Model fallback on the wire: our client, the real SDK, and the simulator making single models fail. */
class ModelFallbackSdkTest {
    private static final String FIRST = "gemini-2.5-flash";
    private static final String SECOND = "gemini-2.0-flash";
    private static final String THIRD = "gemini-2.0-flash-lite";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private GeminiSimulator simulator;

    @AfterEach
    void closeAll() throws Exception {
        scheduler.shutdownNow();
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private ModelFallback fallback(ModelFaults faults) {
        simulator = GeminiSimulator.start(SimulatorConfig.builder().modelFaults(faults).build());
        toClose.add(simulator);
        GenAiGeminiClient client = new GenAiGeminiClient(
                new GenAiSettings(simulator.config().apiKey(), simulator.baseUrl(), 8, Duration.ofSeconds(10), 2));
        toClose.add(client);
        RetrySettings retry = new RetrySettings(2, Duration.ofMillis(1), Duration.ofMillis(2), 0.2,
                Duration.ofMinutes(10));
        ResilientGeminiClient calls = new ResilientGeminiClient(client, retry, new GeminiRateLimiter(0, 0, scheduler),
                true, scheduler, PipelineMetrics.inMemory());
        return new ModelFallback(calls, FIRST, List.of(SECOND, THIRD), PipelineMetrics.inMemory(), System::nanoTime);
    }

    private long requestsTo(String model) {
        return simulator.counters().snapshot().requestsByPath()
                .getOrDefault("/v1beta/models/" + model + ":generateContent", 0L);
    }

    @Test
    void shouldBeAnsweredByTheFirstModelThatCan() throws Exception {
        ModelFallback fallback = fallback(ModelFaults.NONE.withNotFound(List.of(FIRST)).withOverloaded(List.of(SECOND)));

        Attempted<GenerateResult> answer = fallback.generate(new GenerateRequest(FIRST, "hello", null), () -> true)
                .get(10, TimeUnit.SECONDS);

        assertEquals(THIRD, answer.model());
        assertEquals(THIRD, answer.value().modelVersion(), "the simulator says which model it was");
        assertEquals("Simulated answer to: hello", answer.value().text());
        assertEquals(Map.of(FIRST, 1, SECOND, 2, THIRD, 1), answer.attemptsByModel());
        assertEquals(1, requestsTo(FIRST), "a 404 is not retried");
        assertEquals(2, requestsTo(SECOND), "a 503 is, up to gemini.max.attempts");
    }

    @Test
    void shouldSkipAModelOnceItsDailyQuotaIsSpent() throws Exception {
        ModelFallback fallback = fallback(ModelFaults.NONE.withRequestsPerDay(FIRST, 1));

        List<String> answeredBy = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answeredBy.add(fallback.generate(new GenerateRequest(FIRST, "prompt " + i, null), () -> true)
                    .get(10, TimeUnit.SECONDS).model());
        }

        assertEquals(List.of(FIRST, SECOND, SECOND, SECOND), answeredBy);
        assertEquals(2, requestsTo(FIRST), "one answer, one 429; then skipped until the recheck");
        assertEquals(1, simulator.counters().snapshot().dailyQuota429s());
    }

    @Test
    void shouldFailWithEveryModelsAnswerWhenNoneCan() {
        ModelFallback fallback = fallback(ModelFaults.NONE.withNotFound(List.of(FIRST, THIRD))
                .withOverloaded(List.of(SECOND)));

        ExecutionException thrown = assertThrows(ExecutionException.class, () -> fallback
                .generate(new GenerateRequest(FIRST, "hello", null), () -> true).get(10, TimeUnit.SECONDS));

        GeminiCallFailedException failed = assertInstanceOf(GeminiCallFailedException.class, thrown.getCause());
        assertEquals(4, failed.attempts());
        GeminiException last = assertInstanceOf(GeminiException.class, failed.failure());
        assertEquals(404, last.httpStatus());
        String reason = last.getMessage();
        assertTrue(reason.startsWith("no model answered: " + FIRST + " (1 attempt): Gemini 404 NOT_FOUND: "), reason);
        assertTrue(reason.contains("; " + SECOND + " (2 attempts): Gemini 503 UNAVAILABLE: The model is overloaded"),
                reason);
        assertTrue(reason.contains("; " + THIRD + " (1 attempt): Gemini 404 NOT_FOUND: models/" + THIRD), reason);
    }
}

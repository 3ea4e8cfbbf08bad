package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.testing.FakeGeminiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fallback from model to model, over the real retries and an in-memory Gemini. */
class ModelFallbackTest {
    private static final String FIRST = "gemini-2.5-flash";
    private static final String SECOND = "gemini-2.0-flash";
    private static final String THIRD = "gemini-2.0-flash-lite";
    private static final Duration RECHECK = Duration.ofMinutes(10);
    private static final GeminiException NOT_FOUND = GeminiException.of(404, "NOT_FOUND",
            "models/gemini-2.5-flash is not found for API version v1beta");
    private static final GeminiException OVERLOADED = GeminiException.of(503, "UNAVAILABLE",
            "The model is overloaded. Please try again later.");
    private static final GeminiException DAY_IS_OVER = GeminiException.of(429, "RESOURCE_EXHAUSTED",
            "You exceeded your current quota. {\"quotaId\": \"GenerateRequestsPerDayPerProjectPerModel\"}");

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final FakeGeminiClient gemini = new FakeGeminiClient();
    private final PipelineMetrics metrics = PipelineMetrics.inMemory();
    private final AtomicLong now = new AtomicLong();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        gemini.close();
    }

    /** Three attempts per model; the daily quota is rechecked after ten minutes (of {@link #now}). */
    private ModelFallback fallback(String... fallbacks) {
        RetrySettings retry = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(2), 0.2, RECHECK);
        ResilientGeminiClient calls = new ResilientGeminiClient(gemini, retry, new GeminiRateLimiter(0, 0, scheduler),
                true, scheduler, metrics);
        return new ModelFallback(calls, FIRST, List.of(fallbacks), metrics, now::get);
    }

    private static GenerateRequest prompt(String model) {
        return new GenerateRequest(model, "hello", null);
    }

    private static Attempted<GenerateResult> answer(CompletableFuture<Attempted<GenerateResult>> call) throws Exception {
        return call.get(10, TimeUnit.SECONDS);
    }

    private static GeminiCallFailedException failure(CompletableFuture<Attempted<GenerateResult>> call) {
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(GeminiCallFailedException.class, thrown.getCause());
    }

    private double fallbacks(String model, String reason) {
        var counter = metrics.registry().find("gemini.streams.model.fallbacks").tag("model", model)
                .tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldGoToTheNextModelWhenAModelIsNotFound() throws Exception {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);

        Attempted<GenerateResult> answer = answer(fallback(SECOND).generate(prompt(FIRST), () -> true));

        assertEquals(SECOND, answer.model());
        assertEquals("answer: hello", answer.value().text());
        assertEquals(2, answer.attempts(), "one 404, not retried, then the answer");
        assertEquals(Map.of(FIRST, 1, SECOND, 1), answer.attemptsByModel());
        assertEquals(List.of(FIRST, SECOND), List.copyOf(answer.attemptsByModel().keySet()), "in the order tried");
        assertEquals(1, fallbacks(FIRST, "not-found"));
    }

    @Test
    void shouldGoToTheNextModelWhenAModelStaysOverloadedAfterItsRetries() throws Exception {
        gemini.failModel(FIRST, Integer.MAX_VALUE, OVERLOADED);

        Attempted<GenerateResult> answer = answer(fallback(SECOND).generate(prompt(FIRST), () -> true));

        assertEquals(SECOND, answer.model());
        assertEquals(3, gemini.generateCalls(FIRST), "the first model's three attempts, before falling back");
        assertEquals(Map.of(FIRST, 3, SECOND, 1), answer.attemptsByModel());
        assertEquals(4, answer.attempts(), "every model's attempts");
        assertEquals(1, fallbacks(FIRST, "overloaded"));
    }

    @Test
    void shouldStayWithAModelThatAnswersWithinItsRetries() throws Exception {
        gemini.failModel(FIRST, 2, OVERLOADED);

        Attempted<GenerateResult> answer = answer(fallback(SECOND).generate(prompt(FIRST), () -> true));

        assertEquals(FIRST, answer.model());
        assertEquals(3, answer.attempts());
        assertEquals(Map.of(), answer.attemptsByModel(), "no fallback");
        assertEquals(0, gemini.generateCalls(SECOND));
    }

    @Test
    void shouldSkipAModelWhoseDailyQuotaIsExhaustedUntilItIsRechecked() throws Exception {
        gemini.failModel(FIRST, 1, DAY_IS_OVER);
        ModelFallback fallback = fallback(SECOND);

        Attempted<GenerateResult> first = answer(fallback.generate(prompt(FIRST), () -> true));
        assertEquals(SECOND, first.model(), "not held: the next model answers");
        assertEquals(Map.of(FIRST, 1, SECOND, 1), first.attemptsByModel());

        now.addAndGet(RECHECK.minusSeconds(1).toNanos());
        Attempted<GenerateResult> second = answer(fallback.generate(prompt(FIRST), () -> true));
        assertEquals(SECOND, second.model());
        assertEquals(1, gemini.generateCalls(FIRST), "skipped without a request while its day is known to be over");
        assertEquals(Map.of(FIRST, 0, SECOND, 1), second.attemptsByModel());
        assertEquals(1, second.attempts());
        assertEquals(2, fallbacks(FIRST, "daily-quota"));

        now.addAndGet(Duration.ofSeconds(1).toNanos());
        Attempted<GenerateResult> third = answer(fallback.generate(prompt(FIRST), () -> true));
        assertEquals(FIRST, third.model(), "rechecked after gemini.quota.daily.recheck, and back");
        assertEquals(2, gemini.generateCalls(FIRST));
    }

    @Test
    void shouldHoldTheLastModelsCallWhenItsDailyQuotaIsExhausted() throws Exception {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, 2, DAY_IS_OVER);
        RetrySettings retry = new RetrySettings(3, Duration.ofMillis(1), Duration.ofMillis(2), 0.2,
                Duration.ofMillis(5));
        ResilientGeminiClient calls = new ResilientGeminiClient(gemini, retry, new GeminiRateLimiter(0, 0, scheduler),
                true, scheduler, metrics);

        Attempted<GenerateResult> answer = answer(new ModelFallback(calls, FIRST, List.of(SECOND), metrics, now::get)
                .generate(prompt(FIRST), () -> true));

        assertEquals(SECOND, answer.model(), "held on the last model, as without fallbacks, then answered");
        assertEquals(Map.of(FIRST, 1, SECOND, 3), answer.attemptsByModel());
    }

    @Test
    void shouldFailWithWhatEachModelAnsweredWhenTheLastModelFailsToo() {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, 1, DAY_IS_OVER);
        gemini.failModel(THIRD, Integer.MAX_VALUE, OVERLOADED);

        GeminiCallFailedException failed = failure(fallback(SECOND, THIRD).generate(prompt(FIRST), () -> true));

        assertEquals(5, failed.attempts(), "1 + 1 + 3");
        GeminiException last = assertInstanceOf(GeminiException.class, failed.failure());
        assertEquals(503, last.httpStatus(), "the last model's answer");
        assertTrue(last.retryable());
        assertEquals("no model answered: " + FIRST + " (1 attempt): " + NOT_FOUND.getMessage() + "; "
                + SECOND + " (1 attempt): " + DAY_IS_OVER.getMessage() + "; "
                + THIRD + " (3 attempts): " + OVERLOADED.getMessage(), last.getMessage());
    }

    @Test
    void shouldNotFallBackForAPromptThatNamesAnotherModel() {
        gemini.failModel(THIRD, Integer.MAX_VALUE, NOT_FOUND);

        GeminiCallFailedException failed = failure(fallback(SECOND).generate(prompt(THIRD), () -> true));

        assertSame(NOT_FOUND, failed.failure(), "the model's own answer, as without fallbacks");
        assertEquals(1, failed.attempts());
        assertEquals(0, gemini.generateCalls(FIRST));
        assertEquals(0, gemini.generateCalls(SECOND));
    }

    @Test
    void shouldNotFallBackOnAFailureAnotherModelWouldShare() {
        GeminiException invalid = GeminiException.of(400, "INVALID_ARGUMENT", "bad request");
        gemini.failModel(FIRST, Integer.MAX_VALUE, invalid);

        GeminiCallFailedException failed = failure(fallback(SECOND).generate(prompt(FIRST), () -> true));

        assertSame(invalid, failed.failure());
        assertEquals(0, gemini.generateCalls(SECOND));
    }

    @Test
    void shouldNeverSendTwiceToAModelThatAnswered404() {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);
        gemini.failModel(SECOND, Integer.MAX_VALUE, NOT_FOUND);

        GeminiCallFailedException failed = failure(fallback(SECOND, FIRST).generate(prompt(FIRST), () -> true));

        assertEquals(1, gemini.generateCalls(FIRST), "listed again as a fallback, still tried once");
        assertEquals(1, gemini.generateCalls(SECOND));
        assertEquals(2, failed.attempts());
    }

    @Test
    void shouldCountEachModelsRequests() throws Exception {
        gemini.failModel(FIRST, Integer.MAX_VALUE, NOT_FOUND);

        answer(fallback(SECOND).generate(prompt(FIRST), () -> true));

        assertEquals(1, metrics.registry().get("gemini.streams.gemini.request").tag("model", FIRST)
                .tag("outcome", "404").timer().count());
        assertEquals(1, metrics.registry().get("gemini.streams.gemini.request").tag("model", SECOND)
                .tag("outcome", "ok").timer().count());
    }
}

package io.github.geministreams.pacing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.testing.FakeGeminiClient;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilientGeminiClientTest {
    private static final GenerateRequest PROMPT = new GenerateRequest("model", "hello", null);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final FakeGeminiClient gemini = new FakeGeminiClient();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        gemini.close();
    }

    private ResilientGeminiClient client(int maxAttempts) {
        RetrySettings retry = new RetrySettings(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(5), 0.2,
                Duration.ofMillis(20));
        return new ResilientGeminiClient(gemini, retry, new GeminiRateLimiter(0, 0, scheduler), true, scheduler,
                PipelineMetrics.inMemory());
    }

    @Test
    void shouldRetryRetryableFailuresAndCountTheAttempts() throws Exception {
        gemini.failNext(2, GeminiException.of(500, "INTERNAL", "boom"));
        Attempted<GenerateResult> answer = client(5).generate(PROMPT).get(10, TimeUnit.SECONDS);
        assertEquals("answer: hello", answer.value().text());
        assertEquals(3, answer.attempts());
        assertEquals(3, gemini.generateCalls());
    }

    @Test
    void shouldGiveUpAfterMaxAttemptsWithTheLastFailure() {
        GeminiException unavailable = GeminiException.of(503, "UNAVAILABLE", "overloaded");
        gemini.failNext(10, unavailable);
        GeminiCallFailedException failed = failure(client(4).embed(new EmbedRequest("m", List.of("a"), 8, null)));
        assertEquals(4, failed.attempts());
        assertSame(unavailable, failed.failure());
        assertEquals(4, gemini.embedCalls());
    }

    @Test
    void shouldHoldACallRefusedByADailyQuotaInsteadOfFailingIt() throws Exception {
        GeminiException daily = GeminiException.of(429, "RESOURCE_EXHAUSTED",
                "Quota exceeded. {\"quotaId\": \"GenerateRequestsPerDayPerProjectPerModel\"}");
        gemini.failNext(8, daily);
        ResilientGeminiClient client = client(3);

        Attempted<GenerateResult> result = client.generate(PROMPT).get(10, TimeUnit.SECONDS);

        assertEquals("answer: hello", result.value().text(), "held, then answered: never dead-lettered");
        assertEquals(9, result.attempts(), "eight refusals, beyond max.attempts=3, then the answer");
        assertEquals(0, client.heldOnDailyQuota());
    }

    @Test
    void shouldRecheckADailyQuotaAtTheServersDelayWhenItIsSoonerThanTheRecheckInterval() {
        ResilientGeminiClient client = client(3);
        GeminiException soon = GeminiException.of(429, "RESOURCE_EXHAUSTED",
                "{\"quotaId\": \"RequestsPerDay\"} {\"retryDelay\": \"0.005s\"}");
        GeminiException tomorrow = GeminiException.of(429, "RESOURCE_EXHAUSTED",
                "{\"quotaId\": \"RequestsPerDay\"} {\"retryDelay\": \"50000s\"}");
        assertEquals(Duration.ofMillis(5), client.holdDelay(soon));
        assertEquals(Duration.ofMillis(20), client.holdDelay(tomorrow), "the configured recheck interval");
    }

    @Test
    void shouldNotSendACallThatIsNoLongerWanted() {
        gemini.failNext(1, GeminiException.of(500, "INTERNAL", "boom"));
        AtomicBoolean wanted = new AtomicBoolean(true);
        // The first attempt fails; before the retry, the task that wanted the answer closes.
        var call = client(5).generate(PROMPT, () -> wanted.getAndSet(false));
        GeminiCallFailedException failed = failure(call);
        assertEquals(1, gemini.generateCalls(), "the retry was not sent");
        assertEquals(1, failed.attempts());
    }

    @Test
    void shouldNotRetryANonRetryableFailure() {
        gemini.failNext(1, GeminiException.of(400, "INVALID_ARGUMENT", "bad"));
        GeminiCallFailedException failed = failure(client(5).generate(PROMPT));
        assertEquals(1, failed.attempts());
        assertEquals(400, ((GeminiException) failed.failure()).httpStatus());
        assertEquals(1, gemini.generateCalls());
    }

    @Test
    void shouldWaitAtLeastTheServersRetryDelay() throws Exception {
        gemini.failNext(1, GeminiException.of(429, "RESOURCE_EXHAUSTED",
                "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"0.3s\"}"));
        long started = System.nanoTime();
        Attempted<GenerateResult> answer = client(3).generate(PROMPT).get(10, TimeUnit.SECONDS);
        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertEquals(2, answer.attempts());
        assertTrue(elapsedMillis >= 300, "retried after " + elapsedMillis + " ms, before the server's 300 ms");
    }

    @Test
    void shouldBackOffExponentiallyUpToTheCeilingWithJitter() {
        RetrySettings retry = new RetrySettings(10, Duration.ofMillis(100), Duration.ofMillis(1000), 0.2,
                Duration.ofMinutes(10));
        ResilientGeminiClient client = new ResilientGeminiClient(gemini, retry, new GeminiRateLimiter(0, 0, scheduler), true,
                scheduler, PipelineMetrics.inMemory());
        GeminiException failure = GeminiException.of(500, "INTERNAL", "boom");
        assertBetween(80, 120, client.delayAfter(1, failure));
        assertBetween(160, 240, client.delayAfter(2, failure));
        assertBetween(320, 480, client.delayAfter(3, failure));
        assertBetween(800, 1200, client.delayAfter(8, failure));
    }

    private static void assertBetween(long lowMillis, long highMillis, Duration delay) {
        assertTrue(delay.toMillis() >= lowMillis && delay.toMillis() <= highMillis,
                delay.toMillis() + " ms is outside " + lowMillis + ".." + highMillis);
    }

    @Test
    void shouldFailACallLargerThanTheWholeQuotaWithoutSendingItAndStopWaitingForIt() {
        ResilientGeminiClient client = new ResilientGeminiClient(gemini, new RetrySettings(5, Duration.ofMillis(1),
                Duration.ofMillis(5), 0.2, Duration.ofMillis(20)), new GeminiRateLimiter(10, 0, scheduler),
                true, scheduler, PipelineMetrics.inMemory());
        List<String> texts = Collections.nCopies(20, "text");
        GeminiCallFailedException failed = failure(client.embed(new EmbedRequest("m", texts, 8, null)));
        GeminiException cause = assertInstanceOf(GeminiException.class, failed.failure());
        assertTrue(cause.largerThanQuota(), cause.getMessage());
        assertEquals(0, failed.attempts(), "never sent");
        assertEquals(0, gemini.embedCalls());
        assertEquals(0, client.waitingForQuota(), "a failed wait is no longer counted as waiting for the quota");
    }

    @Test
    void shouldTellTheListenerOfEveryAttemptWithWhatItWasCharged() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        ResilientGeminiClient client = new ResilientGeminiClient(gemini, new RetrySettings(5, Duration.ofMillis(1),
                Duration.ofMillis(5), 0.2, Duration.ofMillis(20)), new GeminiRateLimiter(0, 0, scheduler),
                true, scheduler, PipelineMetrics.inMemory(),
                (latency, requests, tokens, status) -> seen.add(requests + " requests, " + tokens + " tokens: " + status));
        gemini.failNext(1, GeminiException.of(503, "UNAVAILABLE", "overloaded"));
        client.embed(new EmbedRequest("m", List.of("a".repeat(40), "b".repeat(40)), 8, null)).get(10, TimeUnit.SECONDS);
        assertEquals(List.of("2 requests, 20 tokens: 503", "2 requests, 20 tokens: 200"), seen);
    }

    @Test
    void shouldChargeTheTokensGeminiCountedBeyondTheEstimate() throws Exception {
        GeminiClient denseTokens = new GeminiClient() {
            @Override
            public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
                return CompletableFuture.completedFuture(new GenerateResult("ok", "STOP", null, null,
                        new TokenUsage(5_000, 1, 0, 5_001), request.model()));
            }

            @Override
            public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
        GeminiRateLimiter limiter = new GeminiRateLimiter(0, 6_000, scheduler);
        ResilientGeminiClient client = new ResilientGeminiClient(denseTokens, new RetrySettings(1, Duration.ofMillis(1),
                Duration.ofMillis(5), 0.2, Duration.ofMillis(20)), limiter, true, scheduler,
                PipelineMetrics.inMemory());
        client.generate(PROMPT).get(10, TimeUnit.SECONDS);
        // "hello" was estimated at 2 tokens; Gemini counted 5,000 of the 6,000 a minute.
        assertTrue(!limiter.acquire(1, 10).isDone(), "the next call waits for what the answer really cost");
    }

    /** A Gemini that fails each call with the next scripted failure, then answers; answers on the caller's thread. */
    private static final class ScriptedGemini implements GeminiClient {
        private final Deque<RuntimeException> failures;
        private final int promptTokens;

        ScriptedGemini(int promptTokens, RuntimeException... failures) {
            this.failures = new ConcurrentLinkedDeque<>(List.of(failures));
            this.promptTokens = promptTokens;
        }

        @Override
        public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
            RuntimeException failure = failures.poll();
            return failure != null ? CompletableFuture.failedFuture(failure)
                    : CompletableFuture.completedFuture(new GenerateResult("ok", "STOP", null, null,
                            new TokenUsage(promptTokens, 1, 0, promptTokens + 1), request.model()));
        }

        @Override
        public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    private ResilientGeminiClient client(GeminiClient delegate, GeminiRateLimiter limiter, PipelineMetrics metrics,
                                         AttemptListener listener) {
        return new ResilientGeminiClient(delegate, new RetrySettings(5, Duration.ofMillis(1), Duration.ofMillis(5), 0.2,
                Duration.ofMillis(1)), limiter, true, scheduler, metrics, listener);
    }

    private static final GeminiException DAILY = GeminiException.of(429, "RESOURCE_EXHAUSTED",
            "Quota exceeded. {\"quotaId\": \"GenerateRequestsPerDayPerProjectPerModel\"}");

    @Test
    void shouldCountACallAsHeldOnTheDailyQuotaOnlyWhileTheDayRefusesIt() throws Exception {
        ScriptedGemini gemini = new ScriptedGemini(1, DAILY, DAILY, GeminiException.of(500, "INTERNAL", "boom"));
        ResilientGeminiClient client = client(gemini, new GeminiRateLimiter(0, 0, scheduler), PipelineMetrics.inMemory(),
                AttemptListener.NONE);
        List<Integer> heldBeforeEachAttempt = new CopyOnWriteArrayList<>();
        client.generate(PROMPT, () -> heldBeforeEachAttempt.add(client.heldOnDailyQuota())).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0, 1, 1, 0), heldBeforeEachAttempt,
                "held after the day's first refusal, through the recheck, released by the 500 (an answer otherwise)");
        assertEquals(0, client.heldOnDailyQuota());
    }

    @Test
    void shouldNotCountOrdinaryFailuresAsHeld() throws Exception {
        ScriptedGemini gemini = new ScriptedGemini(1, GeminiException.of(503, "UNAVAILABLE", "x"),
                GeminiException.of(429, "RESOURCE_EXHAUSTED", "per minute"));
        ResilientGeminiClient client = client(gemini, new GeminiRateLimiter(0, 0, scheduler), PipelineMetrics.inMemory(),
                AttemptListener.NONE);
        List<Integer> held = new CopyOnWriteArrayList<>();
        client.generate(PROMPT, () -> held.add(client.heldOnDailyQuota())).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(0, 0, 0), held);
    }

    @Test
    void shouldReleaseTheHoldOfACallThatStopsBeingWantedWhileHeld() {
        ScriptedGemini gemini = new ScriptedGemini(1, DAILY, DAILY, DAILY);
        ResilientGeminiClient client = client(gemini, new GeminiRateLimiter(0, 0, scheduler), PipelineMetrics.inMemory(),
                AttemptListener.NONE);
        AtomicInteger asked = new AtomicInteger();
        GeminiCallFailedException failed = failure(client.generate(PROMPT, () -> asked.incrementAndGet() < 2));
        assertInstanceOf(CancellationException.class, failed.failure().getCause());
        assertEquals(0, client.heldOnDailyQuota(), "a call that ends while held is no longer held");
    }

    @Test
    void shouldRecordEachAttemptsOutcomeRetryAndWait() throws Exception {
        ScriptedGemini gemini = new ScriptedGemini(1, GeminiException.of(500, "INTERNAL", "boom"),
                GeminiException.transport("connection reset", new IOException("reset")));
        PipelineMetrics metrics = PipelineMetrics.inMemory();
        client(gemini, new GeminiRateLimiter(0, 0, scheduler), metrics, AttemptListener.NONE)
                .generate(PROMPT).get(10, TimeUnit.SECONDS);
        var registry = metrics.registry();
        assertEquals(1, registry.get("gemini.streams.gemini.request").tag("outcome", "500").timer().count());
        assertEquals(1, registry.get("gemini.streams.gemini.request").tag("outcome", "transport").timer().count());
        assertEquals(1, registry.get("gemini.streams.gemini.request").tag("outcome", "ok").timer().count());
        assertEquals(2, metrics.retries());
        assertEquals(3, registry.find("gemini.streams.rate.limiter.wait").timers().stream()
                .mapToLong(Timer::count).sum(), "one wait per attempt");
    }

    @Test
    void shouldMeasureEachAttemptAndCallWithinTheTimeTheCallTook() throws Exception {
        List<Long> latencies = new CopyOnWriteArrayList<>();
        List<Long> services = new CopyOnWriteArrayList<>();
        AttemptListener listener = new AttemptListener() {
            @Override
            public void attempted(long latencyNanos, int requests, long tokens, int httpStatus) {
                latencies.add(latencyNanos);
            }

            @Override
            public void completed(long serviceNanos) {
                services.add(serviceNanos);
            }
        };
        ScriptedGemini gemini = new ScriptedGemini(1, GeminiException.of(500, "INTERNAL", "boom"));
        long before = System.nanoTime();
        client(gemini, new GeminiRateLimiter(600, 0, scheduler), PipelineMetrics.inMemory(), listener)
                .generate(PROMPT).get(10, TimeUnit.SECONDS);
        long took = System.nanoTime() - before;
        assertEquals(2, latencies.size());
        assertEquals(1, services.size(), "one call");
        for (long latency : latencies) {
            assertTrue(latency >= 0 && latency <= took, latency + " ns outside the call's " + took + " ns");
        }
        assertTrue(services.get(0) >= 0 && services.get(0) <= took, services.get(0) + " ns outside " + took + " ns");
    }

    @Test
    void shouldLearnTheTokenRatioFromEachAnswer() throws Exception {
        List<Long> charged = new CopyOnWriteArrayList<>();
        ScriptedGemini gemini = new ScriptedGemini(100);
        ResilientGeminiClient client = client(gemini, new GeminiRateLimiter(0, 0, scheduler), PipelineMetrics.inMemory(),
                (latency, requests, tokens, status) -> charged.add(tokens));
        GenerateRequest prompt = new GenerateRequest("model", "x".repeat(40), null);
        client.generate(prompt).get(10, TimeUnit.SECONDS);
        client.generate(prompt).get(10, TimeUnit.SECONDS);
        assertEquals(10, charged.get(0), "forty characters: ten tokens at first");
        assertTrue(charged.get(1) > 10, "Gemini counted 100: the next estimate is higher, " + charged.get(1));
    }

    private static GeminiCallFailedException failure(CompletableFuture<?> call) {
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(GeminiCallFailedException.class, thrown.getCause());
    }
}

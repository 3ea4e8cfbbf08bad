package io.github.geministreams.gemini.genai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Our google-genai client against the simulator: real HTTP, real SDK. */
class GenAiGeminiClientTest {
    @RegisterExtension
    final Closer closer = new Closer();

    private GeminiSimulator simulator(SimulatorConfig.Builder config) {
        return closer.add(GeminiSimulator.start(config.build()));
    }

    private GenAiGeminiClient client(GeminiSimulator simulator, String apiKey, int concurrency, Duration timeout) {
        return closer.add(new GenAiGeminiClient(new GenAiSettings(apiKey, simulator.baseUrl(), concurrency, timeout, 2)));
    }

    private GenAiGeminiClient client(GeminiSimulator simulator) {
        return client(simulator, simulator.config().apiKey(), 8, Duration.ofSeconds(10));
    }

    @Test
    void shouldMapAnAnswerAndCompleteOnOurOwnThreads() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        CompletableFuture<String> thread = new CompletableFuture<>();
        GenerateResult result = client(simulator)
                .generate(new GenerateRequest("gemini-2.5-flash", "Hello there", "Be brief."))
                .whenComplete((answer, failure) -> thread.complete(Thread.currentThread().getName()))
                .get(10, TimeUnit.SECONDS);
        assertEquals("Simulated answer to: Hello there", result.text());
        assertEquals("STOP", result.finishReason());
        assertFalse(result.blocked());
        assertTrue(result.usage().promptTokens() > 0 && result.usage().totalTokens() > result.usage().promptTokens());
        assertTrue(thread.get(1, TimeUnit.SECONDS).startsWith("gemini-callback-"), thread.get());
    }

    @Test
    void shouldMapASafetyBlock() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        GenerateResult result = client(simulator)
                .generate(new GenerateRequest("gemini-2.5-flash", "UNSAFE_TRIGGER", null)).get(10, TimeUnit.SECONDS);
        assertTrue(result.blocked());
        assertEquals("SAFETY", result.blockReason());
        assertNull(result.text());
    }

    @Test
    void shouldEmbedInOrderWithTheRequestedDimensions() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        EmbedResult result = client(simulator)
                .embed(new EmbedRequest("gemini-embedding-001", List.of("a", "b", "c"), 12, "RETRIEVAL_DOCUMENT"))
                .get(10, TimeUnit.SECONDS);
        assertEquals(3, result.vectors().size());
        result.vectors().forEach(vector -> assertEquals(12, vector.length));
        assertEquals(1, simulator.counters().snapshot().batchEmbedRequests());
    }

    @Test
    void shouldReportA429WithItsRetryDelayAndNoSdkRetry() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().rateLimitErrorRate(1.0)
                .injectedRetryDelay(Duration.ofMillis(2500)));
        GeminiException failure = failure(client(simulator).generate(new GenerateRequest("m", "hi", null)));
        assertEquals(429, failure.httpStatus());
        assertTrue(failure.retryable());
        assertEquals(Optional.of(Duration.ofMillis(2500)), failure.retryDelay());
        assertEquals(1, simulator.counters().snapshot().generateRequests(), "the SDK did not retry by itself");
    }

    @Test
    void shouldReportABadKeyAsNotRetryableWithoutTheKey() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        GeminiException failure = failure(client(simulator, "secret-wrong-key", 4, Duration.ofSeconds(10))
                .generate(new GenerateRequest("m", "hi", null)));
        assertEquals(400, failure.httpStatus());
        assertFalse(failure.retryable());
        assertFalse(failure.getMessage().contains("secret-wrong-key"), failure.getMessage());
    }

    @Test
    void shouldTurnATimeoutIntoARetryableTransportFailure() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().latency(Duration.ofSeconds(3)));
        GeminiException failure = failure(client(simulator, simulator.config().apiKey(), 4, Duration.ofMillis(300))
                .generate(new GenerateRequest("m", "slow", null)));
        assertEquals(0, failure.httpStatus());
        assertTrue(failure.retryable());
    }

    @Test
    void shouldSendAsManyRequestsAtOnceAsItsConcurrencyAllows() {
        // OkHttp's default is 5 per host; the client raises it to its configured concurrency.
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().latency(Duration.ofMillis(500)));
        GenAiGeminiClient client = client(simulator, simulator.config().apiKey(), 16, Duration.ofSeconds(10));
        List<CompletableFuture<GenerateResult>> calls = IntStream.range(0, 16)
                .mapToObj(i -> client.generate(new GenerateRequest("m", "prompt " + i, null))).toList();
        calls.forEach(CompletableFuture::join);
        assertEquals(16, simulator.counters().snapshot().maxConcurrent());
    }

    private static GeminiException failure(CompletableFuture<?> call) {
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> call.get(10, TimeUnit.SECONDS));
        return assertInstanceOf(GeminiException.class, thrown.getCause());
    }
}

package io.github.geministreams.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import io.github.geministreams.serde.Json;
import io.github.geministreams.testing.Closer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The simulator through the real google-genai SDK, as the pipeline uses it. */
class GeminiSimulatorSdkTest {
    private static final String MODEL = "gemini-2.5-flash";
    private static final String EMBED_MODEL = "gemini-embedding-001";
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\":\"([0-9.]+)s\"");

    @RegisterExtension
    final Closer closer = new Closer();

    private GeminiSimulator simulator(SimulatorConfig.Builder config) {
        return closer.add(GeminiSimulator.start(config.build()));
    }

    private Client sdk(GeminiSimulator simulator, String apiKey) {
        Client client = Client.builder()
                .apiKey(apiKey)
                .httpOptions(HttpOptions.builder()
                        .baseUrl(simulator.baseUrl())
                        .retryOptions(HttpRetryOptions.builder().attempts(1).httpStatusCodes(List.of()).build())
                        .build())
                .build();
        return closer.add(client);
    }

    private Client sdk(GeminiSimulator simulator) {
        return sdk(simulator, simulator.config().apiKey());
    }

    @Test
    void shouldAnswerGenerateContentInTheApiShape() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        GenerateContentResponse response = sdk(simulator).models.generateContent(MODEL, "Why is the sky blue?", null);
        assertEquals("Simulated answer to: Why is the sky blue?", response.text());
        assertEquals("STOP", response.finishReason().toString());
        var usage = response.usageMetadata().orElseThrow();
        assertEquals(5, usage.promptTokenCount().orElseThrow());
        assertTrue(usage.candidatesTokenCount().orElseThrow() > 0);
        assertEquals(usage.promptTokenCount().get() + usage.candidatesTokenCount().get(),
                usage.totalTokenCount().orElseThrow());
        assertEquals(MODEL, response.modelVersion().orElseThrow());
        assertEquals(1, simulator.counters().snapshot().generateRequests());
    }

    @Test
    void shouldBlockAPromptWithTheTriggerWordForSafety() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        GenerateContentResponse response = sdk(simulator).models.generateContent(MODEL, "say UNSAFE_TRIGGER now", null);
        assertNull(response.text());
        assertTrue(response.candidates().map(List::isEmpty).orElse(true));
        assertEquals("SAFETY", response.promptFeedback().orElseThrow().blockReason().orElseThrow().toString());
        assertEquals(1, simulator.counters().snapshot().safetyBlocks());
    }

    @Test
    void shouldEmbedABatchInRequestOrderDeterministically() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        Client sdk = sdk(simulator);
        EmbedContentConfig config = EmbedContentConfig.builder().outputDimensionality(16).build();
        List<String> texts = List.of("alpha", "bravo", "alpha");
        EmbedContentResponse response = sdk.models.embedContent(EMBED_MODEL, texts, config);
        List<float[]> vectors = vectors(response);
        assertEquals(3, vectors.size());
        assertEquals(16, vectors.get(0).length);
        assertArrayEquals(vectors.get(0), vectors.get(2), "the same text gets the same vector");
        assertFalse(Arrays.equals(vectors.get(0), vectors.get(1)), "different texts differ");
        float[] alone = vectors(sdk.models.embedContent(EMBED_MODEL, List.of("bravo"), config)).get(0);
        assertArrayEquals(vectors.get(1), alone, "a vector does not depend on its batch");
        var stats = simulator.counters().snapshot();
        assertEquals(2, stats.batchEmbedRequests());
        assertEquals(4, stats.itemsEmbedded());
        assertEquals(2, stats.repeatedEmbedTexts());
    }

    @Test
    void shouldUseTheDefaultDimensionsWhenTheRequestNamesNone() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().embeddingDimensions(32));
        assertEquals(32, vectors(sdk(simulator).models.embedContent(EMBED_MODEL, List.of("x"), null)).get(0).length);
    }

    @Test
    void shouldRejectAWrongOrMissingKeyWith400AsTheApiDoes() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        ClientException wrong = assertThrows(ClientException.class,
                () -> sdk(simulator, "not-the-key").models.generateContent(MODEL, "hi", null));
        assertEquals(400, wrong.code());
        assertEquals("INVALID_ARGUMENT", wrong.status());
        assertTrue(wrong.message().contains("API key not valid"), wrong.message());
        assertTrue(wrong.message().contains("API_KEY_INVALID"), wrong.message());
        int missing = rawPost(simulator, null, "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}");
        assertEquals(400, missing);
    }

    @Test
    void shouldRejectMoreThan100TextsAndEmptyTexts() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        Client sdk = sdk(simulator);
        List<String> tooMany = IntStream.range(0, 101).mapToObj(i -> "text " + i).toList();
        ClientException batch = assertThrows(ClientException.class, () -> sdk.models.embedContent(EMBED_MODEL, tooMany, null));
        assertEquals(400, batch.code());
        assertTrue(batch.message().contains("at most 100"), batch.message());
        ClientException empty = assertThrows(ClientException.class,
                () -> sdk.models.embedContent(EMBED_MODEL, List.of("fine", " "), null));
        assertEquals(400, empty.code());
        assertEquals(0, simulator.counters().snapshot().itemsEmbedded());
        assertEquals(2, simulator.counters().snapshot().errors400());
    }

    @Test
    void shouldRejectTheWholeRequestForAPoisonItemOrABatchOverItsLimit() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().maxEmbedBatch(3));
        Client sdk = sdk(simulator);
        ClientException poisonPrompt = assertThrows(ClientException.class,
                () -> sdk.models.generateContent(MODEL, "say INVALID_TRIGGER now", null));
        assertEquals(400, poisonPrompt.code());
        assertEquals("INVALID_ARGUMENT", poisonPrompt.status());
        ClientException poisonText = assertThrows(ClientException.class,
                () -> sdk.models.embedContent(EMBED_MODEL, List.of("fine", "an INVALID_TRIGGER text"), null));
        assertEquals(400, poisonText.code());
        assertTrue(poisonText.message().contains("requests[1]"), "names the item at fault: " + poisonText.message());
        ClientException tooMany = assertThrows(ClientException.class,
                () -> sdk.models.embedContent(EMBED_MODEL, List.of("a", "b", "c", "d"), null));
        assertEquals(400, tooMany.code());
        assertTrue(tooMany.message().contains("at most 3"), tooMany.message());
        assertEquals(3, vectors(sdk.models.embedContent(EMBED_MODEL, List.of("a", "b", "c"), null)).size(),
                "a batch within the limit is answered");
        var stats = simulator.counters().snapshot();
        assertEquals(3, stats.errors400());
        assertEquals(0, stats.promptsGenerated(), "a rejected prompt is not answered");
        assertEquals(3, stats.itemsEmbedded(), "only the batch within the limit was embedded");
    }

    @Test
    void shouldEnforceRequestsPerMinuteWithA429WhoseRetryDelayTheClientCanRead() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().requestsPerMinute(5));
        Client sdk = sdk(simulator);
        for (int i = 0; i < 5; i++) {
            sdk.models.generateContent(MODEL, "prompt " + i, null);
        }
        ClientException limited = assertThrows(ClientException.class, () -> sdk.models.generateContent(MODEL, "sixth", null));
        assertEquals(429, limited.code());
        assertEquals("RESOURCE_EXHAUSTED", limited.status());
        Matcher delay = RETRY_DELAY.matcher(limited.message());
        assertTrue(delay.find(), "RetryInfo in: " + limited.message());
        double seconds = Double.parseDouble(delay.group(1));
        assertTrue(seconds > 0 && seconds <= 60, "retry delay " + seconds + "s");
        assertTrue(limited.message().contains("GenerateRequestsPerMinutePerProjectPerModel"), limited.message());
        assertEquals(1, simulator.counters().snapshot().quota429s());
    }

    @Test
    void shouldCountEveryTextOfABatchAgainstTheRequestQuota() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().requestsPerMinute(10));
        Client sdk = sdk(simulator);
        sdk.models.embedContent(EMBED_MODEL, IntStream.range(0, 8).mapToObj(i -> "t" + i).toList(), null);
        ClientException limited = assertThrows(ClientException.class,
                () -> sdk.models.embedContent(EMBED_MODEL, List.of("a", "b", "c"), null));
        assertEquals(429, limited.code());
        sdk.models.embedContent(EMBED_MODEL, List.of("a", "b"), null);
    }

    @Test
    void shouldEnforceTokensPerMinute() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().tokensPerMinute(30));
        Client sdk = sdk(simulator);
        sdk.models.generateContent(MODEL, "x".repeat(100), null);
        ClientException limited = assertThrows(ClientException.class,
                () -> sdk.models.generateContent(MODEL, "y".repeat(40), null));
        assertEquals(429, limited.code());
        assertTrue(limited.message().contains("InputTokensPerModelPerMinute"), limited.message());
    }

    @Test
    void shouldAnswerADailyQuotaWithAPerDayQuotaId() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().requestsPerDay(1));
        Client sdk = sdk(simulator);
        sdk.models.generateContent(MODEL, "first", null);
        ClientException limited = assertThrows(ClientException.class, () -> sdk.models.generateContent(MODEL, "second", null));
        assertEquals(429, limited.code());
        assertTrue(limited.message().contains("PerDay"), limited.message());
        assertEquals(1, simulator.counters().snapshot().dailyQuota429s());
    }

    @Test
    void shouldInjectEachKindOfFault() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().rateLimitErrorRate(1.0)
                .injectedRetryDelay(Duration.ofMillis(1500)));
        Client sdk = sdk(simulator);
        ClientException injected = assertThrows(ClientException.class, () -> sdk.models.generateContent(MODEL, "a", null));
        assertEquals(429, injected.code());
        assertTrue(injected.message().contains("\"retryDelay\":\"1.5s\""), injected.message());

        simulator.updateConfig(simulator.config().toBuilder().rateLimitErrorRate(0).internalErrorRate(1.0).build());
        ServerException internal = assertThrows(ServerException.class, () -> sdk.models.generateContent(MODEL, "b", null));
        assertEquals(500, internal.code());
        assertEquals("INTERNAL", internal.status());

        simulator.updateConfig(simulator.config().toBuilder().internalErrorRate(0).unavailableErrorRate(1.0).build());
        ServerException unavailable = assertThrows(ServerException.class, () -> sdk.models.generateContent(MODEL, "c", null));
        assertEquals(503, unavailable.code());
        assertEquals("UNAVAILABLE", unavailable.status());

        var stats = simulator.counters().snapshot();
        assertEquals(1, stats.injected429s());
        assertEquals(1, stats.errors500());
        assertEquals(1, stats.errors503());
        assertEquals(0, stats.promptsGenerated());
    }

    @Test
    void shouldApplyLatencyAndSeeConcurrentRequests() {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder().latency(Duration.ofMillis(300)));
        Client sdk = sdk(simulator);
        long started = System.nanoTime();
        List<CompletableFuture<GenerateContentResponse>> calls = IntStream.range(0, 4)
                .mapToObj(i -> sdk.async.models.generateContent(MODEL, "parallel " + i, null)).toList();
        calls.forEach(CompletableFuture::join);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 300, "latency applied");
        assertEquals(4, simulator.counters().snapshot().maxConcurrent());
    }

    @Test
    void shouldServeStatsAndResetOverHttp() throws Exception {
        GeminiSimulator simulator = simulator(SimulatorConfig.builder());
        Client sdk = sdk(simulator);
        sdk.models.generateContent(MODEL, "same", null);
        sdk.models.generateContent(MODEL, "same", null);
        HttpClient http = HttpClient.newHttpClient();
        JsonNode stats = Json.MAPPER.readTree(http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl()
                + "/simulator/stats")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertEquals(2, stats.get("generateRequests").asLong());
        assertEquals(1, stats.get("repeatedPrompts").asLong());
        assertEquals(2, stats.get("requestsByPath").get("/v1beta/models/" + MODEL + ":generateContent").asLong());
        int status = http.send(HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/simulator/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(200, status);
        assertEquals(0, simulator.counters().snapshot().generateRequests());
        assertNotEquals(0, simulator.port());
    }

    private static List<float[]> vectors(EmbedContentResponse response) {
        List<float[]> vectors = new ArrayList<>();
        for (ContentEmbedding embedding : response.embeddings().orElseThrow()) {
            List<Float> values = embedding.values().orElseThrow();
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = values.get(i);
            }
            vectors.add(vector);
        }
        return vectors;
    }

    /** A request without the SDK, to send no key at all. */
    private static int rawPost(GeminiSimulator simulator, String apiKey, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create(simulator.baseUrl() + "/v1beta/models/" + MODEL + ":generateContent"))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (apiKey != null) {
                request.header("x-goog-api-key", apiKey);
            }
            return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

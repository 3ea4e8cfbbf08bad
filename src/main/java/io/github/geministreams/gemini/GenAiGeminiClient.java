package io.github.geministreams.gemini;

import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponsePromptFeedback;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@link GeminiClient} over the google-genai SDK.
 *
 * <p>The SDK is set up for an application that owns its retries and its concurrency: its own
 * retries are off (they sleep inside HTTP threads and ignore the server's retry delay), its
 * connection limits are raised to {@code maxConcurrency} (OkHttp allows 5 per host by
 * default and queues the rest without bound), every request has a timeout, and results are
 * handed to a small executor of ours so callers' callbacks never run on HTTP threads or on
 * the common pool. Thread-safe.
 */
public final class GenAiGeminiClient implements GeminiClient {
    private final Client client;
    private final ExecutorService callbacks;

    public GenAiGeminiClient(GenAiSettings settings) {
        HttpOptions.Builder http = HttpOptions.builder()
                .timeout(Math.toIntExact(settings.requestTimeout().toMillis()))
                // attempts(1) alone still lets the SDK sleep on listed statuses; an empty list stops it.
                .retryOptions(HttpRetryOptions.builder().attempts(1).httpStatusCodes(List.of()).build());
        if (settings.baseUrl() != null) {
            http.baseUrl(settings.baseUrl());
        }
        this.client = settings.sdkClient()
                .httpOptions(http.build())
                .clientOptions(ClientOptions.builder()
                        .maxConnections(settings.maxConcurrency())
                        .maxConnectionsPerHost(settings.maxConcurrency())
                        .build())
                .build();
        this.callbacks = Executors.newFixedThreadPool(settings.callbackThreads(), daemonThreads("gemini-callback-"));
    }

    @Override
    public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
        GenerateContentConfig config = GenerateConfigs.of(request.settings(), request.systemInstruction(), client.vertexAI());
        return call(() -> client.async.models.generateContent(request.model(), PromptContents.of(request), config),
                GenAiGeminiClient::toResult);
    }

    @Override
    public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
        EmbedContentConfig.Builder config = EmbedContentConfig.builder();
        if (request.dimensions() > 0) {
            config.outputDimensionality(request.dimensions());
        }
        if (request.taskType() != null) {
            config.taskType(request.taskType());
        }
        return call(() -> client.async.models.embedContent(request.model(), request.texts(), config.build()),
                response -> toResult(response, request.texts().size()));
    }

    /** Runs an SDK call, maps its answer or failure, and completes on our callback executor. */
    private <R, T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<R>> sdkCall,
                                             Function<R, T> mapping) {
        CompletableFuture<R> pending;
        try {
            pending = sdkCall.get();
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        return pending.handleAsync((response, failure) -> {
            if (failure != null) {
                throw GeminiException.fromSdk(failure);
            }
            return mapping.apply(response);
        }, callbacks);
    }

    private static GenerateResult toResult(GenerateContentResponse response) {
        Optional<GenerateContentResponsePromptFeedback> feedback = response.promptFeedback();
        String blockReason = feedback.flatMap(GenerateContentResponsePromptFeedback::blockReason)
                .map(Object::toString).orElse(null);
        String blockMessage = feedback.flatMap(GenerateContentResponsePromptFeedback::blockReasonMessage).orElse(null);
        String finishReason = response.candidates().filter(list -> !list.isEmpty())
                .flatMap(list -> list.get(0).finishReason()).map(Object::toString).orElse(null);
        String text = response.candidates().filter(list -> !list.isEmpty()).isPresent() ? response.text() : null;
        TokenUsage usage = response.usageMetadata().map(GenAiGeminiClient::toUsage).orElse(TokenUsage.NONE);
        return new GenerateResult(text, finishReason, blockReason, blockMessage, usage,
                response.modelVersion().orElse(null));
    }

    private static TokenUsage toUsage(GenerateContentResponseUsageMetadata metadata) {
        return new TokenUsage(metadata.promptTokenCount().orElse(0), metadata.candidatesTokenCount().orElse(0),
                metadata.thoughtsTokenCount().orElse(0), metadata.totalTokenCount().orElse(0));
    }

    private static EmbedResult toResult(EmbedContentResponse response, int expected) {
        List<ContentEmbedding> embeddings = response.embeddings().orElse(List.of());
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (ContentEmbedding embedding : embeddings) {
            List<Float> values = embedding.values().orElse(List.of());
            float[] vector = new float[values.size()];
            for (int i = 0; i < vector.length; i++) {
                vector[i] = values.get(i);
            }
            vectors.add(vector);
        }
        if (vectors.size() != expected) {
            throw GeminiException.of(200, "MALFORMED_RESPONSE", "Gemini returned " + vectors.size()
                    + " embeddings for " + expected + " texts");
        }
        return new EmbedResult(vectors);
    }

    private static java.util.concurrent.ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    @Override
    public void close() {
        client.close();
        callbacks.shutdown();
    }
}

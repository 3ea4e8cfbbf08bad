package io.github.geministreams.gemini.genai;

import com.google.genai.Client;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.EmbedContentResponse;
import com.google.genai.types.GenerateContentConfig;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link GeminiClient} over the google-genai SDK.
 *
 * <p>The SDK is set up for an application that owns its retries and its concurrency
 * ({@link GenAiClients}), and results are handed to a small executor of ours so callers'
 * callbacks never run on HTTP threads or on the common pool. Thread-safe.
 */
public final class GenAiGeminiClient implements GeminiClient {
    private final Client client;
    private final ExecutorService callbacks;

    public GenAiGeminiClient(GenAiSettings settings) {
        this.client = GenAiClients.sdkClient(settings);
        this.callbacks = GenAiClients.callbacks(settings.callbackThreads(), "gemini-callback-");
    }

    @Override
    public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
        GenerateContentConfig config = GenerateConfigs.of(request.settings(), request.systemInstruction(), client.vertexAI());
        return call(() -> client.async.models.generateContent(request.model(), PromptContents.of(request), config),
                GenAiResponses::toResult);
    }

    @Override
    public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
        EmbedContentConfig config = embedConfig(request);
        return call(() -> client.async.models.embedContent(request.model(), request.texts(), config),
                response -> toResult(response, request.texts().size()));
    }

    /** The request's dimensions and task type; the model's defaults where it names none. */
    static EmbedContentConfig embedConfig(EmbedRequest request) {
        EmbedContentConfig.Builder config = EmbedContentConfig.builder();
        if (request.dimensions() > 0) {
            config.outputDimensionality(request.dimensions());
        }
        if (request.taskType() != null) {
            config.taskType(request.taskType());
        }
        return config.build();
    }

    private <R, T> CompletableFuture<T> call(Supplier<CompletableFuture<R>> sdkCall,
                                             Function<R, T> mapping) {
        return GenAiClients.call(sdkCall, mapping, callbacks);
    }

    private static EmbedResult toResult(EmbedContentResponse response, int expected) {
        List<ContentEmbedding> embeddings = response.embeddings().orElse(List.of());
        List<float[]> vectors = new ArrayList<>(embeddings.size());
        for (ContentEmbedding embedding : embeddings) {
            vectors.add(GenAiResponses.toVector(embedding));
        }
        if (vectors.size() != expected) {
            throw GeminiException.of(200, "MALFORMED_RESPONSE", "Gemini returned " + vectors.size()
                    + " embeddings for " + expected + " texts");
        }
        return new EmbedResult(vectors);
    }

    @Override
    public void close() {
        client.close();
        callbacks.shutdown();
    }
}

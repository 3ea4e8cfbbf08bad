package io.github.geministreams.gemini;

import io.github.geministreams.pacing.ResilientGeminiClient;
import java.util.concurrent.CompletableFuture;

/**
 * One Gemini call per method, asynchronous, without retries or rate limits (those are
 * {@link ResilientGeminiClient}'s job).
 *
 * <p><b>Threading.</b> Methods return at once and may be called from any thread. The
 * futures complete on the client's own callback threads, never on the caller's thread, so
 * callbacks must be short and must not touch Kafka Streams state. A failed future holds a
 * {@link GeminiException} (possibly wrapped in a {@code CompletionException}).
 */
public interface GeminiClient extends AutoCloseable {
    CompletableFuture<GenerateResult> generate(GenerateRequest request);

    /** One request for all texts; the vectors come back in the order of the texts. */
    CompletableFuture<EmbedResult> embed(EmbedRequest request);

    @Override
    void close();
}

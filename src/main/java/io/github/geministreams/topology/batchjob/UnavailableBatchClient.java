package io.github.geministreams.topology.batchjob;

import io.github.geministreams.gemini.BatchGenerateItem;
import io.github.geministreams.gemini.BatchJob;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The batch client of an instance that was given none: nothing exists, and a job cannot be
 * created (a 400, so its prompts go where gemini.batch.on.failure says, with this reason).
 */
public final class UnavailableBatchClient implements GeminiBatchClient {
    public static final UnavailableBatchClient INSTANCE = new UnavailableBatchClient();

    private UnavailableBatchClient() {
    }

    @Override
    public CompletableFuture<BatchJob> createGenerate(String displayName, String model, List<BatchGenerateItem> items) {
        return unavailable();
    }

    @Override
    public CompletableFuture<BatchJob> createEmbed(String displayName, EmbedRequest request) {
        return unavailable();
    }

    @Override
    public CompletableFuture<BatchJob> get(String name) {
        return unavailable();
    }

    @Override
    public CompletableFuture<Optional<BatchJob>> findByDisplayName(String displayName) {
        return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletableFuture<Void> cancel(String name) {
        return unavailable();
    }

    private static <T> CompletableFuture<T> unavailable() {
        return CompletableFuture.failedFuture(GeminiException.of(400, "FAILED_PRECONDITION",
                "batch mode is not available here: this pipeline has no Gemini Batch API client"));
    }
}

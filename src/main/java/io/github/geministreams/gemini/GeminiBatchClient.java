package io.github.geministreams.gemini;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The Gemini Batch API, one call per method, asynchronous, without retries: creating a job is
 * not idempotent, so its caller decides what a failed call means (see the batch-mode design:
 * a failed create is followed by {@link #findByDisplayName}, never by a blind second create).
 *
 * <p><b>Threading.</b> As {@link GeminiClient}: methods return at once, from any thread; futures
 * complete on the client's own threads and hold a {@link GeminiException} when they fail.
 */
public interface GeminiBatchClient {
    /** Creates a job of inline generate requests ({@code batches.create}) named {@code displayName}. */
    CompletableFuture<BatchJob> createGenerate(String displayName, String model, List<BatchGenerateItem> items);

    /** Creates a job of inline embed requests ({@code batches.createEmbeddings}), one per text, in order. */
    CompletableFuture<BatchJob> createEmbed(String displayName, EmbedRequest request);

    /** The job's current state, and its results once it succeeded ({@code batches.get}). */
    CompletableFuture<BatchJob> get(String name);

    /** The job created with {@code displayName}, if any ({@code batches.list}, every page). */
    CompletableFuture<Optional<BatchJob>> findByDisplayName(String displayName);

    /** Asks the API to cancel the job ({@code batches.cancel}); it ends {@link BatchJobState#CANCELLED}. */
    CompletableFuture<Void> cancel(String name);
}

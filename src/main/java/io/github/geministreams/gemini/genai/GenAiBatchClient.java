package io.github.geministreams.gemini.genai;

import com.google.genai.Client;
import com.google.genai.types.BatchJobDestination;
import com.google.genai.types.BatchJobSource;
import com.google.genai.types.CancelBatchJobConfig;
import com.google.genai.types.Content;
import com.google.genai.types.CreateBatchJobConfig;
import com.google.genai.types.CreateEmbeddingsBatchJobConfig;
import com.google.genai.types.EmbedContentBatch;
import com.google.genai.types.EmbeddingsBatchJobSource;
import com.google.genai.types.GetBatchJobConfig;
import com.google.genai.types.InlinedEmbedContentResponse;
import com.google.genai.types.InlinedRequest;
import com.google.genai.types.InlinedResponse;
import com.google.genai.types.JobError;
import com.google.genai.types.JobState;
import com.google.genai.types.ListBatchJobsConfig;
import com.google.genai.types.Part;
import io.github.geministreams.gemini.BatchGenerateItem;
import io.github.geministreams.gemini.BatchItemResult;
import io.github.geministreams.gemini.BatchJob;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link GeminiBatchClient} over the google-genai SDK's {@code client.async.batches}, for the
 * Gemini Developer API: jobs of inline requests, results inline in the job once it succeeded.
 * Requests are built as {@link GenAiGeminiClient} builds them ({@link GenerateConfigs},
 * {@link PromptContents}) and answers read as it reads them ({@link GenAiResponses}), so an answer
 * from a batch job reads the same as one from an online call.
 *
 * <p>Each generate request carries its {@link BatchGenerateItem#key()} as metadata
 * ({@value #KEY}); the API echoes it on the request's result. Results are in the API's order,
 * which is the order of the requests.
 *
 * <p><b>Threading.</b> Never blocks: every method returns the SDK's future mapped on a small
 * executor of ours, so callers' callbacks never run on HTTP threads. Thread-safe.
 */
public final class GenAiBatchClient implements GeminiBatchClient, AutoCloseable {
    /** The metadata field that carries an item's key to its result. */
    static final String KEY = "key";

    private final Client client;
    private final ExecutorService callbacks;

    public GenAiBatchClient(GenAiSettings settings) {
        this.client = GenAiClients.sdkClient(settings);
        this.callbacks = GenAiClients.callbacks(settings.callbackThreads(), "gemini-batch-callback-");
    }

    @Override
    public CompletableFuture<BatchJob> createGenerate(String displayName, String model, List<BatchGenerateItem> items) {
        return call(() -> {
            List<InlinedRequest> requests = new ArrayList<>(items.size());
            for (BatchGenerateItem item : items) {
                GenerateRequest request = item.request();
                requests.add(InlinedRequest.builder()
                        .model(request.model())
                        .contents(List.of(PromptContents.of(request)))
                        .config(GenerateConfigs.of(request.settings(), request.systemInstruction(), false))
                        .metadata(Map.of(KEY, item.key()))
                        .build());
            }
            return client.async.batches.create(model, BatchJobSource.builder().inlinedRequests(requests).build(),
                    CreateBatchJobConfig.builder().displayName(displayName).build());
        }, GenAiBatchClient::toJob);
    }

    @Override
    public CompletableFuture<BatchJob> createEmbed(String displayName, EmbedRequest request) {
        return call(() -> {
            List<Content> contents = request.texts().stream().map(text -> Content.fromParts(Part.fromText(text))).toList();
            EmbedContentBatch batch = EmbedContentBatch.builder()
                    .contents(contents)
                    .config(GenAiGeminiClient.embedConfig(request))
                    .build();
            return client.async.batches.createEmbeddings(request.model(),
                    EmbeddingsBatchJobSource.builder().inlinedRequests(batch).build(),
                    CreateEmbeddingsBatchJobConfig.builder().displayName(displayName).build());
        }, GenAiBatchClient::toJob);
    }

    @Override
    public CompletableFuture<BatchJob> get(String name) {
        return call(() -> client.async.batches.get(name, GetBatchJobConfig.builder().build()), GenAiBatchClient::toJob);
    }

    @Override
    public CompletableFuture<Optional<BatchJob>> findByDisplayName(String displayName) {
        AtomicReference<com.google.genai.types.BatchJob> found = new AtomicReference<>();
        // forEach pages through every job: the one we look for can be on any page.
        return call(() -> client.async.batches.list(ListBatchJobsConfig.builder().build())
                        .thenCompose(pager -> pager.forEach(job -> {
                            if (displayName.equals(job.displayName().orElse(null))) {
                                found.compareAndSet(null, job);
                            }
                        })),
                done -> Optional.ofNullable(found.get()).map(GenAiBatchClient::toJob));
    }

    @Override
    public CompletableFuture<Void> cancel(String name) {
        return call(() -> client.async.batches.cancel(name, CancelBatchJobConfig.builder().build()), done -> null);
    }

    private <R, T> CompletableFuture<T> call(Supplier<CompletableFuture<R>> sdkCall,
                                             Function<R, T> mapping) {
        return GenAiClients.call(sdkCall, mapping, callbacks);
    }

    static BatchJob toJob(com.google.genai.types.BatchJob job) {
        BatchJobState state = job.state().map(GenAiBatchClient::toState).orElse(BatchJobState.PENDING);
        List<BatchItemResult> results = state == BatchJobState.SUCCEEDED
                ? job.dest().map(GenAiBatchClient::toResults).orElse(List.of())
                : List.of();
        return new BatchJob(job.name().orElse(null), job.displayName().orElse(null), state, error(job, state), results);
    }

    /**
     * The SDK's job states (the API's {@code BATCH_STATE_*}, which the SDK turns into
     * {@code JOB_STATE_*}) as ours. States the Developer API does not use for batches (queued,
     * paused, updating) count as pending: the job has not finished.
     */
    static BatchJobState toState(JobState state) {
        JobState.Known known = state.knownEnum();
        return switch (known) {
            case JOB_STATE_RUNNING -> BatchJobState.RUNNING;
            case JOB_STATE_SUCCEEDED, JOB_STATE_PARTIALLY_SUCCEEDED -> BatchJobState.SUCCEEDED;
            case JOB_STATE_FAILED -> BatchJobState.FAILED;
            case JOB_STATE_CANCELLING -> BatchJobState.CANCELLING;
            case JOB_STATE_CANCELLED -> BatchJobState.CANCELLED;
            case JOB_STATE_EXPIRED -> BatchJobState.EXPIRED;
            default -> BatchJobState.PENDING;
        };
    }

    /**
     * Why the job failed or expired. The SDK (1.70.0) does not read a Developer API job's error
     * into {@code BatchJob.error()}, so without one the state itself is the reason.
     */
    private static String error(com.google.genai.types.BatchJob job, BatchJobState state) {
        Optional<String> reported = job.error().map(GenAiBatchClient::describe);
        if (reported.isPresent()) {
            return reported.get();
        }
        return switch (state) {
            case FAILED -> "the Gemini batch job " + job.name().orElse("") + " failed (the API gave no reason)";
            case EXPIRED -> "the Gemini batch job " + job.name().orElse("") + " expired before it finished";
            default -> null;
        };
    }

    private static String describe(JobError error) {
        return error.code().map(code -> "code " + code + ": ").orElse("") + error.message().orElse("(no message)");
    }

    private static List<BatchItemResult> toResults(BatchJobDestination dest) {
        List<BatchItemResult> results = new ArrayList<>();
        for (InlinedResponse response : dest.inlinedResponses().orElse(List.of())) {
            String key = response.metadata().map(metadata -> metadata.get(KEY)).orElse(null);
            if (response.error().isPresent()) {
                results.add(new BatchItemResult(key, null, null, toException(response.error().get())));
            } else {
                results.add(new BatchItemResult(key, response.response().map(GenAiResponses::toResult)
                        .orElseThrow(() -> malformed("a generate result without response or error")), null, null));
            }
        }
        for (InlinedEmbedContentResponse response : dest.inlinedEmbedContentResponses().orElse(List.of())) {
            if (response.error().isPresent()) {
                results.add(new BatchItemResult(null, null, null, toException(response.error().get())));
            } else {
                float[] vector = response.response().flatMap(single -> single.embedding())
                        .map(GenAiResponses::toVector)
                        .orElseThrow(() -> malformed("an embed result without embedding or error"));
                results.add(new BatchItemResult(null, null, vector, null));
            }
        }
        return results;
    }

    private static GeminiException toException(JobError error) {
        return RpcStatus.toException(error.code().orElse(null), error.message().orElse(null));
    }

    private static GeminiException malformed(String what) {
        return GeminiException.of(200, "MALFORMED_RESPONSE", "Gemini returned " + what);
    }

    @Override
    public void close() {
        client.close();
        callbacks.shutdown();
    }
}

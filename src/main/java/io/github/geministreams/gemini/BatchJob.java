package io.github.geministreams.gemini;

import java.util.List;

/**
 * A Gemini Batch API job as the API last described it.
 *
 * @param name        the API's name of the job ({@code batches/...}), used to get and cancel it
 * @param displayName the name gemini-streams gave it when creating it (unique per job; see the batch-mode design)
 * @param error       why the job failed, or null
 * @param results     once {@link BatchJobState#SUCCEEDED}: one result per request, in request order; else empty
 */
public record BatchJob(String name, String displayName, BatchJobState state, String error,
                       List<BatchItemResult> results) {
    public BatchJob {
        results = List.copyOf(results);
    }
}

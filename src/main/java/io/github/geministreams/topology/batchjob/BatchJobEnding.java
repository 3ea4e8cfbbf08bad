package io.github.geministreams.topology.batchjob;

import io.github.geministreams.config.BatchFailure;
import io.github.geministreams.gemini.BatchItemResult;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.model.Mode;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.topology.online.BundleItem;
import io.github.geministreams.topology.output.Outcomes;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.PendingStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outcome of every prompt of a Gemini batch job that has ended, forwarded through
 * {@link Outcomes} in the caller's step (so in the transaction that deletes the job's record):
 * an answer per request the job answered; a dead letter per request it answered with an error;
 * and for a job that did not succeed, a dead letter per prompt with the job's state and error,
 * or (gemini.batch.on.failure=online) the prompt switched to online mode in the pending store,
 * for the caller to send. A prompt whose task is no longer pending is skipped.
 *
 * <p>Stream thread only.
 */
final class BatchJobEnding {
    private final PendingStore pending;
    private final Outcomes outcomes;
    private final BatchFailure onFailure;

    /**
     * What became of a job's prompts.
     *
     * @param costUsd the summed cost of its answers; null when none was priced
     * @param online  the store keys of prompts switched to online mode, to send
     */
    record Settled(int answered, int failed, Double costUsd, List<String> online) {
    }

    BatchJobEnding(PendingStore pending, Outcomes outcomes, BatchFailure onFailure) {
        this.pending = pending;
        this.outcomes = outcomes;
        this.onFailure = onFailure;
    }

    /**
     * @param results the job's results once it succeeded, in request order; a result with a key is
     *                matched by its key, one without by its place
     */
    Settled settle(BatchJobRecord job, BatchJobState state, List<BatchItemResult> results, String error,
                   long nowMillis) {
        Task task = job.taskValue();
        Map<String, BatchItemResult> byKey = new HashMap<>();
        for (BatchItemResult result : results) {
            if (result.key() != null) {
                byKey.put(result.key(), result);
            }
        }
        int answered = 0;
        int failed = 0;
        double cost = 0;
        boolean priced = false;
        List<String> online = new ArrayList<>();
        List<String> items = job.items();
        for (int i = 0; i < items.size(); i++) {
            String storeKey = items.get(i);
            PendingPrompt prompt = pending.get(storeKey);
            if (prompt == null || !prompt.remaining().contains(task)) {
                continue;
            }
            BundleItem item = new BundleItem(storeKey, prompt.request());
            if (state != BatchJobState.SUCCEEDED) {
                if (onFailure == BatchFailure.ONLINE) {
                    pending.put(storeKey, prompt.withRequest(prompt.request().withMode(Mode.ONLINE)));
                    online.add(storeKey);
                } else {
                    outcomes.deadLetter(task, item, new BatchJobFailedException(job, state, error));
                }
                failed++;
                continue;
            }
            BatchItemResult result = byKey.getOrDefault(storeKey, i < results.size() && results.get(i).key() == null
                    ? results.get(i) : null);
            Throwable failure = failure(job, task, result);
            if (failure != null) {
                outcomes.deadLetter(task, item, failure);
                failed++;
                continue;
            }
            long latency = nowMillis - job.createdAt();
            Double itemCost = outcomes.forward(item, task, task == Task.EMBED
                    ? HandoverEntry.embedded(job.model(), result.vector(), 1, latency)
                    : HandoverEntry.generated(job.model(), result.generated(), 1, Map.of(), latency));
            if (itemCost != null) {
                cost += itemCost;
                priced = true;
            }
            answered++;
        }
        return new Settled(answered, failed, priced ? cost : null, online);
    }

    /** Why {@code result} is no answer, or null when it is one. */
    private static Throwable failure(BatchJobRecord job, Task task, BatchItemResult result) {
        if (result == null) {
            return GeminiException.of(500, "INTERNAL", "batch job " + job.name() + " returned no result for this request");
        }
        if (result.error() != null) {
            return result.error();
        }
        if (task == Task.EMBED ? result.vector() == null : result.generated() == null) {
            return GeminiException.of(500, "INTERNAL",
                    "batch job " + job.name() + " returned an empty result for this request");
        }
        return null;
    }
}

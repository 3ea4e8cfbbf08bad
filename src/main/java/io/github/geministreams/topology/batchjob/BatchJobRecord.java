package io.github.geministreams.topology.batchjob;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.model.Task;
import java.util.List;

/**
 * One Gemini Batch API job of a task: the value of the task's batch-job store (key: display
 * name) and, without its {@code items}, of the batch-jobs topic.
 *
 * <p>Written first as an {@link #INTENT} (the prompts it will hold, before any call), then with
 * the API's name and state once the job exists. The record is deleted from the store in the
 * transaction that forwards the job's outcomes; its last state stays on the topic.
 *
 * @param displayName unique per job: {@code gs-<application.id>-<task>-<partition>-<first prompt's offset>}
 * @param name        the API's name ({@code batches/...}); null while an intent
 * @param task        {@code generate} or {@code embed}
 * @param state       {@link #INTENT} or a {@link BatchJobState} name
 * @param items       the pending-store keys of its prompts, in request order (store only)
 * @param prompts     how many prompts it holds
 * @param succeeded   prompts answered, once it ended
 * @param failed      prompts dead-lettered (or sent online again), once it ended
 * @param createdAt   wall-clock time of the intent
 * @param submittedAt wall-clock time the job was created at the API (0 while an intent)
 * @param updatedAt   wall-clock time of this record
 * @param costUsd     estimated cost of its answers, once it ended; null before or when unpriced
 * @param error       why it failed, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BatchJobRecord(String displayName, String name, String task, String model, String state,
                             @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> items, int prompts,
                             int succeeded, int failed, long createdAt, long submittedAt, long updatedAt,
                             Double costUsd, String error) {
    /** The state of a job that is written down but not created yet. */
    public static final String INTENT = "INTENT";

    public BatchJobRecord {
        items = items == null ? List.of() : List.copyOf(items);
    }

    static BatchJobRecord intent(String displayName, Task task, String model, List<String> items, long nowMillis) {
        return new BatchJobRecord(displayName, null, task.wireName(), model, INTENT, items, items.size(), 0, 0, nowMillis, 0,
                nowMillis, null, null);
    }

    /** This job as the API created or last described it. */
    BatchJobRecord at(String apiName, BatchJobState apiState, long nowMillis) {
        return new BatchJobRecord(displayName, apiName, task, model, apiState.name(), items, prompts, succeeded, failed,
                createdAt, submittedAt == 0 ? nowMillis : submittedAt, nowMillis, costUsd, error);
    }

    /** This job ended in {@code apiState}, with its counts. */
    BatchJobRecord ended(BatchJobState apiState, int answered, int deadLettered, Double cost, String why,
                         long nowMillis) {
        return new BatchJobRecord(displayName, name, task, model, apiState.name(), items, prompts, answered,
                deadLettered, createdAt, submittedAt, nowMillis, cost, why);
    }

    /** What the batch-jobs topic carries: this record without its item keys. */
    public BatchJobRecord withoutItems() {
        return new BatchJobRecord(displayName, name, task, model, state, List.of(), prompts, succeeded, failed,
                createdAt, submittedAt, updatedAt, costUsd, error);
    }

    @JsonIgnore
    Task taskValue() {
        return Task.fromWireName(task);
    }

    @JsonIgnore
    boolean isIntent() {
        return INTENT.equals(state);
    }

    /** True once the job will not change any more. */
    @JsonIgnore
    public boolean isFinished() {
        return !isIntent() && BatchJobState.valueOf(state).finished();
    }
}

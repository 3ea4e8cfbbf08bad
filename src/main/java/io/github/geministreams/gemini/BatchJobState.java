package io.github.geministreams.gemini;

/** Where a Gemini Batch API job is ({@code JOB_STATE_*} / {@code BATCH_STATE_*} in the API). */
public enum BatchJobState {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLING,
    CANCELLED,
    EXPIRED;

    /** True once the job will not change any more; only {@link #SUCCEEDED} has results. */
    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED || this == EXPIRED;
    }
}

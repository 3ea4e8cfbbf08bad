package io.github.geministreams.topics;

/** The topics gemini-streams reads or writes, by the key under which topics.yaml declares them. */
public enum TopicRole {
    PROMPTS("prompts"),
    RESPONSES("responses"),
    EMBEDDINGS("embeddings"),
    DEAD_LETTER("dead-letter"),
    /** Progress and completion records of jobs, keyed by job id. */
    JOBS("jobs"),
    /** Internal: one record per finished prompt of a job, keyed by job id, read back by the job tracker. */
    JOB_EVENTS("job-events"),
    /**
     * Internal: answers that arrived after their task moved to another instance, and the calls
     * still open at that moment, keyed by pending-store key and task; every instance reads it
     * as a global store, so the task's next owner uses them instead of asking Gemini again.
     */
    HANDOVER("handover"),
    /**
     * The state of every Gemini Batch API job, keyed by its display name (compacted): written by
     * the task that owns the job in the transaction that changes it, and read back by every
     * instance as a global store, which tells the owner that a job's intent is committed before
     * it creates the job.
     */
    BATCH_JOBS("batch-jobs"),
    /**
     * Answers to repeated requests (compacted), keyed by a hash of what decides the answer:
     * every instance reads it as a global store and answers a repeated request from it.
     */
    CACHE("cache");

    private final String yamlKey;

    TopicRole(String yamlKey) {
        this.yamlKey = yamlKey;
    }

    public String yamlKey() {
        return yamlKey;
    }
}

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
    JOB_EVENTS("job-events");

    private final String yamlKey;

    TopicRole(String yamlKey) {
        this.yamlKey = yamlKey;
    }

    public String yamlKey() {
        return yamlKey;
    }
}

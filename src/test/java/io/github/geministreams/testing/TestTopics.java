package io.github.geministreams.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A topics.yaml whose topic names carry a prefix, so that tests sharing one broker never
 * see each other's records.
 */
public final class TestTopics {
    public final String prompts;
    public final String responses;
    public final String embeddings;
    public final String deadLetter;
    public final String jobs;
    public final String jobEvents;
    public final String handover;
    public final String batchJobs;
    public final String cache;
    public final Path file;

    private TestTopics(String prefix, Path file) {
        this.prompts = prefix + "-prompts";
        this.responses = prefix + "-responses";
        this.embeddings = prefix + "-embeddings";
        this.deadLetter = prefix + "-dead-letter";
        this.jobs = prefix + "-jobs";
        this.jobEvents = prefix + "-job-events";
        this.handover = prefix + "-handover";
        this.batchJobs = prefix + "-batch-jobs";
        this.cache = prefix + "-cache";
        this.file = file;
    }

    public static TestTopics write(Path dir, String prefix, int promptPartitions) throws IOException {
        TestTopics topics = new TestTopics(prefix, dir.resolve(prefix + "-topics.yaml"));
        String yaml = "topics:\n"
                + entry("prompts", topics.prompts, promptPartitions)
                + entry("responses", topics.responses, 3)
                + entry("embeddings", topics.embeddings, 3)
                + entry("dead-letter", topics.deadLetter, 1)
                // As in topics.yaml: room for a prompt of the broker's maximum size plus the reason headers.
                + "    configs:\n      max.message.bytes: \"2097152\"\n"
                + entry("jobs", topics.jobs, 1)
                + entry("job-events", topics.jobEvents, 2)
                + entry("handover", topics.handover, 2)
                + COMPACTED
                + entry("batch-jobs", topics.batchJobs, 2)
                + COMPACTED
                + entry("cache", topics.cache, 2)
                + COMPACTED;
        Files.writeString(topics.file, yaml);
        return topics;
    }

    private static final String COMPACTED = "    configs:\n      cleanup.policy: \"compact,delete\"\n";

    private static String entry(String role, String name, int partitions) {
        return "  " + role + ":\n    name: " + name + "\n    partitions: " + partitions + "\n    replicationFactor: 1\n";
    }
}

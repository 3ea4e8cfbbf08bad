package io.github.geministreams.topology.output;

import io.github.geministreams.topics.TopicRole;

/** Sink names of the Gemini processor's outputs, one per topic it writes. */
public record OutputNames(String responses, String embeddings, String deadLetter, String jobEvents, String handover,
                          String batchJobs, String cache) {
    public String sink(TopicRole role) {
        return switch (role) {
            case RESPONSES -> responses;
            case EMBEDDINGS -> embeddings;
            case DEAD_LETTER -> deadLetter;
            case JOB_EVENTS -> jobEvents;
            case HANDOVER -> handover;
            case BATCH_JOBS -> batchJobs;
            case CACHE -> cache;
            case PROMPTS, JOBS -> throw new IllegalArgumentException(role + " is not an output of this processor");
        };
    }
}

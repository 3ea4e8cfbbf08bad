package io.github.geministreams.model;

/** Where a prompt was read: unique per record, so it keys the pending store. */
public record SourceCoordinates(String topic, int partition, long offset, long timestamp) {
    /** {@code prompts-3-1042}: the fallback prompt id, and how logs name a prompt. */
    public String asKey() {
        return topic + "-" + partition + "-" + offset;
    }
}

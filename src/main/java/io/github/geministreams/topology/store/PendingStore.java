package io.github.geministreams.topology.store;

import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.SourceCoordinates;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * One task's pending store: the prompts whose outputs are not all written yet. It is the
 * task's buffer: every prompt read is written here first, and leaves when its last output
 * is forwarded (in the same exactly-once transaction).
 *
 * <p>Keys sort in arrival order: {@code topic-partition-offset} with the offset padded to 19
 * digits, so that a scan from a key returns the prompts that came after it. Entries written
 * by versions that did not pad are still found by a scan from the start.
 *
 * <p>Stream thread only.
 */
public final class PendingStore {
    private static final int OFFSET_DIGITS = 19;

    private final KeyValueStore<String, PendingPrompt> store;

    public PendingStore(KeyValueStore<String, PendingPrompt> store) {
        this.store = store;
    }

    /** The key of the prompt read at {@code source}: sorts by offset within a partition. */
    public static String keyOf(SourceCoordinates source) {
        String offset = Long.toString(source.offset());
        StringBuilder key = new StringBuilder(source.topic().length() + 32).append(source.topic()).append('-')
                .append(source.partition()).append('-');
        key.append("0".repeat(Math.max(0, OFFSET_DIGITS - offset.length()))).append(offset);
        return key.toString();
    }

    public PendingPrompt get(String key) {
        return store.get(key);
    }

    public void put(String key, PendingPrompt prompt) {
        store.put(key, prompt);
    }

    public void delete(String key) {
        store.delete(key);
    }

    /** The entries from {@code key} (inclusive; null = the first) on, in key order. Close it. */
    public KeyValueIterator<String, PendingPrompt> from(String key) {
        return key == null ? store.all() : store.range(key, null);
    }
}

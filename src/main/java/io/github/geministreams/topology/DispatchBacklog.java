package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * What one task has read and not yet sent to Gemini. All of it is in the {@link PendingStore};
 * at most {@code memoryLimit} items of it are also in memory, in {@link OpenBatches}, ready
 * to be dispatched. The rest is read back from the store, in arrival order, as the batches
 * in memory are sent: a backlog of any size costs disk, not heap, and the stream thread
 * never waits for room.
 *
 * <p>It also remembers which prompts have items in memory or at Gemini ({@link #released}
 * forgets them), so that a prompt is never dispatched twice by one task incarnation.
 *
 * <p>Not thread-safe: owned by one processor incarnation on its stream thread.
 */
final class DispatchBacklog {
    private final PendingStore store;
    private final OpenBatches batches;
    private final int memoryLimit;
    private final AppConfig.GeminiSettings gemini;
    /** Store key → items of that prompt in memory or at Gemini. */
    private final Map<String, Integer> held = new HashMap<>();
    /** True while some stored prompts are not in memory yet. */
    private boolean spilled;
    /** While spilled: the first stored key not yet read (null = from the first). */
    private String cursor;
    /** A prompt was stored behind the cursor (a key from an older format): scan from the first once more. */
    private boolean rescan;

    DispatchBacklog(PendingStore store, OpenBatches batches, int memoryLimit, AppConfig.GeminiSettings gemini) {
        this.store = store;
        this.batches = batches;
        this.memoryLimit = memoryLimit;
        this.gemini = gemini;
    }

    /** Everything in the store is owed: an earlier incarnation or owner left it pending. */
    void resumeStored() {
        spilled = true;
        cursor = null;
    }

    /** A prompt that has just been stored: into memory if there is room and nothing older waits in the store. */
    void offer(String key, PendingPrompt prompt, long nowMillis) {
        if (!spilled && batches.size() < memoryLimit) {
            hold(key, prompt, nowMillis);
            return;
        }
        if (!spilled) {
            spilled = true;
            cursor = key;
        } else if (cursor != null && key.compareTo(cursor) < 0) {
            rescan = true;
        }
    }

    /**
     * Reads stored prompts into memory, oldest first, while there is room.
     *
     * @return true when it added any
     */
    boolean refill(long nowMillis) {
        if (!spilled || batches.size() >= memoryLimit) {
            return false;
        }
        int before = batches.size();
        boolean fromFirst = false;
        while (true) {
            try (KeyValueIterator<String, PendingPrompt> entries = store.from(cursor)) {
                while (entries.hasNext()) {
                    var entry = entries.next();
                    if (held.containsKey(entry.key)) {
                        continue;
                    }
                    if (batches.size() >= memoryLimit) {
                        cursor = entry.key;
                        return batches.size() > before;
                    }
                    hold(entry.key, entry.value, nowMillis);
                }
            }
            if (rescan && !fromFirst) {
                rescan = false;
                fromFirst = true;
                cursor = null;
                continue;
            }
            spilled = false;
            cursor = null;
            return batches.size() > before;
        }
    }

    /** The outcome of {@code item} has been handled (forwarded or dead-lettered), or it will never be. */
    void released(BatchItem item) {
        held.computeIfPresent(item.storeKey(), (key, items) -> items == 1 ? null : items - 1);
    }

    Batch pollReady() {
        return batches.pollReady();
    }

    int readyCount() {
        return batches.readyCount();
    }

    /** Puts the halves of a rejected batch back at the front. */
    void retryFirst(List<Batch> halves) {
        batches.retryFirst(halves);
    }

    boolean hasDue(long nowMillis, boolean quotaBound) {
        return batches.hasDue(nowMillis, quotaBound);
    }

    Batch pollDue(long nowMillis, boolean quotaBound) {
        return batches.pollDue(nowMillis, quotaBound);
    }

    /** Items in memory and not dispatched. */
    int inMemory() {
        return batches.size();
    }

    /** True while prompts wait in the store only. */
    boolean spilled() {
        return spilled;
    }

    private void hold(String key, PendingPrompt prompt, long nowMillis) {
        long age = nowMillis - prompt.source().timestamp();
        for (Task task : prompt.remaining()) {
            BatchKey batchKey = new BatchKey(task, modelFor(task, prompt));
            batches.add(batchKey, new BatchItem(key, prompt.request().prompt(), prompt.request().system()), nowMillis, age);
        }
        held.merge(key, prompt.remaining().size(), Integer::sum);
    }

    private String modelFor(Task task, PendingPrompt prompt) {
        if (prompt.request().model() != null) {
            return prompt.request().model();
        }
        return task == Task.EMBED ? gemini.embedModel() : gemini.generateModel();
    }
}

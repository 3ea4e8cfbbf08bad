package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig.BatchSettings;
import io.github.geministreams.model.Task;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The batches being filled, one per {@link BatchKey}. A batch closes when it holds its
 * task's {@code size} items, or when its oldest item has waited its task's {@code maxWait}
 * by the wall clock. Not thread-safe: owned by one processor on its stream thread.
 */
final class OpenBatches {
    private final Function<Task, BatchSettings> settings;
    private final Map<BatchKey, Filling> filling = new LinkedHashMap<>();

    OpenBatches(Function<Task, BatchSettings> settings) {
        this.settings = settings;
    }

    /** Adds an item; returns the batch it completed, or null while that batch is still filling. */
    Batch add(BatchKey key, BatchItem item, long nowMillis) {
        Filling batch = filling.computeIfAbsent(key, k -> new Filling(nowMillis));
        batch.items.add(item);
        if (batch.items.size() >= settings.apply(key.task()).size()) {
            filling.remove(key);
            return new Batch(key, batch.items);
        }
        return null;
    }

    /** Removes and returns every batch whose oldest item has waited its maxWait at {@code nowMillis}. */
    List<Batch> takeDue(long nowMillis) {
        List<Batch> due = new ArrayList<>();
        for (Iterator<Map.Entry<BatchKey, Filling>> it = filling.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<BatchKey, Filling> entry = it.next();
            long waited = nowMillis - entry.getValue().openedAtMillis;
            if (waited >= settings.apply(entry.getKey().task()).maxWait().toMillis()) {
                due.add(new Batch(entry.getKey(), entry.getValue().items));
                it.remove();
            }
        }
        return due;
    }

    /** Items waiting in batches that are not full yet. */
    int size() {
        return filling.values().stream().mapToInt(batch -> batch.items.size()).sum();
    }

    private static final class Filling {
        final long openedAtMillis;
        final List<BatchItem> items = new ArrayList<>();

        Filling(long openedAtMillis) {
            this.openedAtMillis = openedAtMillis;
        }
    }
}

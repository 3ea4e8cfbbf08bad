package io.github.geministreams.topology;

import java.util.List;

/** Items of one task and model, dispatched together. */
record Batch(BatchKey key, List<BatchItem> items) {
    Batch {
        items = List.copyOf(items);
    }

    /** Two halves, to isolate an item the API rejects for the whole batch. */
    List<Batch> split() {
        int middle = items.size() / 2;
        return List.of(new Batch(key, items.subList(0, middle)), new Batch(key, items.subList(middle, items.size())));
    }
}

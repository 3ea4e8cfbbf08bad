package io.github.geministreams.topology;

import java.util.List;

/** Items of one task and model, dispatched together. */
record Batch(BatchKey key, List<BatchItem> items) {
    Batch {
        items = List.copyOf(items);
    }

    /**
     * The texts an embed request of this batch sends: each text once, in the order of its first
     * item. Items with the same text (a document chunk sent twice in a burst) share one vector
     * ({@link Completion#itemAnswers}), so a repeat the cache cannot answer yet costs nothing
     * when it lands in the same batch.
     */
    List<String> distinctTexts() {
        return items.stream().map(BatchItem::text).distinct().toList();
    }

    /** Two halves, to isolate an item the API rejects for the whole batch. */
    List<Batch> split() {
        int middle = items.size() / 2;
        return List.of(new Batch(key, items.subList(0, middle)), new Batch(key, items.subList(middle, items.size())));
    }
}

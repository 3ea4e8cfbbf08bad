package io.github.geministreams.topology.online;

import java.util.List;

/** Items of one task and model, dispatched together. */
public record Bundle(TaskModel key, List<BundleItem> items) {
    public Bundle {
        items = List.copyOf(items);
    }

    /**
     * The texts an embed request of this bundle sends: each text once, in the order of its first
     * item. Items with the same text (a document chunk sent twice in a burst) share one vector
     * ({@link Completion#itemAnswers}), so a repeat the cache cannot answer yet costs nothing
     * when it lands in the same bundle.
     */
    List<String> distinctTexts() {
        return items.stream().map(BundleItem::text).distinct().toList();
    }

    /** Two halves, to isolate an item the API rejects for the whole bundle. */
    public List<Bundle> split() {
        int middle = items.size() / 2;
        return List.of(new Bundle(key, items.subList(0, middle)), new Bundle(key, items.subList(middle, items.size())));
    }
}

package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig.BatchSettings;
import io.github.geministreams.config.BatchPolicy;
import io.github.geministreams.model.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * What one processor has not dispatched yet: requests that are ready (full embed batches,
 * generate prompts, halves of a rejected batch) in the order they became ready, and the
 * embed batches still filling, one per {@link BatchKey}.
 *
 * <p>A filling batch becomes ready when it holds {@code size} items (fewer while the quota
 * share holds fewer per minute). Otherwise it is only
 * <em>due</em> ({@link #pollDue}): the caller asks only when a request permit is free, so a
 * due batch that finds no permit keeps filling, and under load batches go out full. While
 * requests queue for the per-minute quota ({@code quotaBound}) a partial batch is due only
 * after {@link #QUOTA_BOUND_WAIT_FACTOR} times {@code maxWait}: sent earlier it would queue
 * too, and spend a request of the quota on a few texts. With
 * the {@link BatchPolicy#ADAPTIVE adaptive} policy a partial batch is due at once when
 * waiting cannot fill it before {@code maxWait} (judged by the recent gap between arrivals)
 * and its newest item is fresh; an item older than {@code maxWait} when it arrives belongs
 * to a backlog, where filling the batch saves requests at little cost in latency.
 *
 * <p>Not thread-safe: owned by one processor on its stream thread. Times are wall-clock
 * milliseconds from the processor context.
 */
final class OpenBatches {
    /** Weight of the newest gap in the moving average of gaps between arrivals. */
    private static final double GAP_WEIGHT = 0.3;
    /** How many times {@code maxWait} a partial batch may wait while requests queue for the quota. */
    static final int QUOTA_BOUND_WAIT_FACTOR = 10;
    /** Keys whose arrival statistics are kept before idle ones are dropped. */
    static final int ARRIVALS_KEPT = 64;
    private static final long IDLE_KEY_MILLIS = 60_000;

    private final BatchSettings embed;
    private final IntSupplier largestBatch;
    private final Deque<Batch> ready = new ArrayDeque<>();
    private final Map<BatchKey, Filling> filling = new LinkedHashMap<>();
    private final Map<BatchKey, Arrivals> arrivals = new HashMap<>();
    /** Items in {@code ready} and {@code filling}. */
    private int itemCount;

    OpenBatches(BatchSettings embed) {
        this(embed, embed::size);
    }

    /**
     * @param largestBatch the most texts a batch may hold now, at most {@code embed.size()}: less
     *                     while the instance's per-minute quota share is smaller than a batch
     */
    OpenBatches(BatchSettings embed, IntSupplier largestBatch) {
        this.embed = embed;
        this.largestBatch = largestBatch;
    }

    /**
     * Adds an item. A generate prompt is ready at once (one request each); an embed item
     * joins its key's batch, which becomes ready when full.
     *
     * @param ageMillis how long ago the prompt was produced (its record timestamp to now)
     */
    void add(BatchKey key, BatchItem item, long nowMillis, long ageMillis) {
        itemCount++;
        if (key.task() == Task.GENERATE) {
            ready.add(new Batch(key, List.of(item)));
            return;
        }
        if (arrivals.size() >= ARRIVALS_KEPT && !arrivals.containsKey(key)) {
            forgetIdleKeys(nowMillis);
        }
        Arrivals keyArrivals = arrivals.computeIfAbsent(key, k -> new Arrivals());
        keyArrivals.arrived(nowMillis, ageMillis > embed.maxWait().toMillis());
        Filling batch = filling.computeIfAbsent(key, k -> new Filling(nowMillis));
        batch.items.add(item);
        if (batch.items.size() >= largestBatch.getAsInt()) {
            filling.remove(key);
            ready.add(new Batch(key, batch.items));
        }
    }

    /** Puts requests back at the front, in this order (the halves of a batch the API rejected). */
    void retryFirst(List<Batch> batches) {
        for (int i = batches.size() - 1; i >= 0; i--) {
            ready.addFirst(batches.get(i));
            itemCount += batches.get(i).items().size();
        }
    }

    /** The oldest ready request, or null. */
    Batch pollReady() {
        Batch batch = ready.poll();
        if (batch != null) {
            itemCount -= batch.items().size();
        }
        return batch;
    }

    /** Requests ready to be sent, waiting only for a permit. */
    int readyCount() {
        return ready.size();
    }

    /** True when {@link #pollDue} would return a batch. */
    boolean hasDue(long nowMillis, boolean quotaBound) {
        for (Map.Entry<BatchKey, Filling> entry : filling.entrySet()) {
            if (due(entry.getKey(), entry.getValue(), nowMillis, quotaBound)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes and returns the oldest partial batch that is due at {@code nowMillis}, or null.
     *
     * @param quotaBound true while requests queue for the per-minute quota
     */
    Batch pollDue(long nowMillis, boolean quotaBound) {
        for (Iterator<Map.Entry<BatchKey, Filling>> it = filling.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<BatchKey, Filling> entry = it.next();
            if (due(entry.getKey(), entry.getValue(), nowMillis, quotaBound)) {
                it.remove();
                itemCount -= entry.getValue().items.size();
                return new Batch(entry.getKey(), entry.getValue().items);
            }
        }
        return null;
    }

    /** Items not dispatched: in ready requests and in batches still filling. */
    int size() {
        return itemCount;
    }

    /** Keys whose arrival statistics are kept now. */
    int keysTracked() {
        return arrivals.size();
    }

    /**
     * Drops the arrival statistics of keys (task and a model a prompt named) with nothing
     * filling and no arrival for a minute: prompts may name any model, and the map must not
     * grow with every name ever seen.
     */
    private void forgetIdleKeys(long nowMillis) {
        arrivals.entrySet().removeIf(entry -> !filling.containsKey(entry.getKey())
                && nowMillis - entry.getValue().lastMillis > IDLE_KEY_MILLIS);
    }

    private boolean due(BatchKey key, Filling batch, long nowMillis, boolean quotaBound) {
        long waited = nowMillis - batch.openedAtMillis;
        if (quotaBound) {
            return waited >= QUOTA_BOUND_WAIT_FACTOR * embed.maxWait().toMillis();
        }
        long left = embed.maxWait().toMillis() - waited;
        if (left <= 0) {
            return true;
        }
        if (embed.policy() == BatchPolicy.FIXED) {
            return false;
        }
        Arrivals keyArrivals = arrivals.get(key);
        return !keyArrivals.backlog && keyArrivals.millisToArrive(largestBatch.getAsInt() - batch.items.size()) > left;
    }

    private static final class Filling {
        final long openedAtMillis;
        final List<BatchItem> items = new ArrayList<>();

        Filling(long openedAtMillis) {
            this.openedAtMillis = openedAtMillis;
        }
    }

    /** How fast one key's items arrive, and whether the newest came from a backlog. */
    private static final class Arrivals {
        private long lastMillis = -1;
        private double meanGapMillis = Double.POSITIVE_INFINITY;
        private boolean backlog;

        void arrived(long nowMillis, boolean fromBacklog) {
            if (lastMillis >= 0) {
                long gap = Math.max(0, nowMillis - lastMillis);
                meanGapMillis = Double.isInfinite(meanGapMillis) ? gap : GAP_WEIGHT * gap + (1 - GAP_WEIGHT) * meanGapMillis;
            }
            lastMillis = nowMillis;
            backlog = fromBacklog;
        }

        /** Expected wait for {@code items} more arrivals; infinite before the second arrival. */
        double millisToArrive(int items) {
            return items * meanGapMillis;
        }
    }
}

package io.github.geministreams.topology.online;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.EmbedBundlePolicy;
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
 * What one processor has not dispatched yet: requests that are ready (full embed bundles,
 * generate prompts, halves of a rejected bundle) in the order they became ready, and the
 * embed bundles still filling, one per {@link TaskModel}.
 *
 * <p>A filling bundle becomes ready when it holds {@code size} items (fewer while the quota
 * share holds fewer per minute). Otherwise it is only
 * <em>due</em> ({@link #pollDue}): the caller asks only when a request permit is free, so a
 * due bundle that finds no permit keeps filling, and under load bundles go out full. While
 * requests queue for the per-minute quota ({@code quotaBound}) a partial bundle is due only
 * after {@link #QUOTA_BOUND_WAIT_FACTOR} times {@code maxWait}: sent earlier it would queue
 * too, and spend a request of the quota on a few texts. With
 * the {@link EmbedBundlePolicy#ADAPTIVE adaptive} policy a partial bundle is due at once when
 * waiting cannot fill it before {@code maxWait} (judged by the recent gap between arrivals)
 * and its newest item is fresh; an item older than {@code maxWait} when it arrives belongs
 * to a backlog, where filling the bundle saves requests at little cost in latency.
 *
 * <p>Not thread-safe: owned by one processor on its stream thread. Times are wall-clock
 * milliseconds from the processor context.
 */
public final class OpenBundles {
    /** Weight of the newest gap in the moving average of gaps between arrivals. */
    private static final double GAP_WEIGHT = 0.3;
    /** How many times {@code maxWait} a partial bundle may wait while requests queue for the quota. */
    static final int QUOTA_BOUND_WAIT_FACTOR = 10;
    /** Keys whose arrival statistics are kept before idle ones are dropped. */
    static final int ARRIVALS_KEPT = 64;
    private static final long IDLE_KEY_MILLIS = 60_000;

    private final AppConfig.EmbedBundleSettings embed;
    private final IntSupplier largestBundle;
    private final Deque<Bundle> ready = new ArrayDeque<>();
    private final Map<TaskModel, Filling> filling = new LinkedHashMap<>();
    private final Map<TaskModel, Arrivals> arrivals = new HashMap<>();
    /** Items in {@code ready} and {@code filling}. */
    private int itemCount;

    public OpenBundles(AppConfig.EmbedBundleSettings embed) {
        this(embed, embed::size);
    }

    /**
     * @param largestBundle the most texts a bundle may hold now, at most {@code embed.size()}: less
     *                     while the instance's per-minute quota share is smaller than a bundle
     */
    public OpenBundles(AppConfig.EmbedBundleSettings embed, IntSupplier largestBundle) {
        this.embed = embed;
        this.largestBundle = largestBundle;
    }

    /**
     * Adds an item. A generate prompt is ready at once (one request each); an embed item
     * joins its key's bundle, which becomes ready when full.
     *
     * @param ageMillis how long ago the prompt was produced (its record timestamp to now)
     */
    void add(TaskModel key, BundleItem item, long nowMillis, long ageMillis) {
        itemCount++;
        if (key.task() == Task.GENERATE) {
            ready.add(new Bundle(key, List.of(item)));
            return;
        }
        if (arrivals.size() >= ARRIVALS_KEPT && !arrivals.containsKey(key)) {
            forgetIdleKeys(nowMillis);
        }
        Arrivals keyArrivals = arrivals.computeIfAbsent(key, k -> new Arrivals());
        keyArrivals.arrived(nowMillis, ageMillis > embed.maxWait().toMillis());
        Filling bundle = filling.computeIfAbsent(key, k -> new Filling(nowMillis));
        bundle.items.add(item);
        if (bundle.items.size() >= largestBundle.getAsInt()) {
            filling.remove(key);
            ready.add(new Bundle(key, bundle.items));
        }
    }

    /** Puts requests back at the front, in this order (the halves of a bundle the API rejected). */
    void retryFirst(List<Bundle> bundles) {
        for (int i = bundles.size() - 1; i >= 0; i--) {
            ready.addFirst(bundles.get(i));
            itemCount += bundles.get(i).items().size();
        }
    }

    /** The oldest ready request, or null. */
    Bundle pollReady() {
        Bundle bundle = ready.poll();
        if (bundle != null) {
            itemCount -= bundle.items().size();
        }
        return bundle;
    }

    /** Requests ready to be sent, waiting only for a permit. */
    int readyCount() {
        return ready.size();
    }

    /** True when {@link #pollDue} would return a bundle. */
    boolean hasDue(long nowMillis, boolean quotaBound) {
        for (Map.Entry<TaskModel, Filling> entry : filling.entrySet()) {
            if (due(entry.getKey(), entry.getValue(), nowMillis, quotaBound)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Removes and returns the oldest partial bundle that is due at {@code nowMillis}, or null.
     *
     * @param quotaBound true while requests queue for the per-minute quota
     */
    Bundle pollDue(long nowMillis, boolean quotaBound) {
        for (Iterator<Map.Entry<TaskModel, Filling>> it = filling.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TaskModel, Filling> entry = it.next();
            if (due(entry.getKey(), entry.getValue(), nowMillis, quotaBound)) {
                it.remove();
                itemCount -= entry.getValue().items.size();
                return new Bundle(entry.getKey(), entry.getValue().items);
            }
        }
        return null;
    }

    /** Items not dispatched: in ready requests and in bundles still filling. */
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

    private boolean due(TaskModel key, Filling bundle, long nowMillis, boolean quotaBound) {
        long waited = nowMillis - bundle.openedAtMillis;
        if (quotaBound) {
            return waited >= QUOTA_BOUND_WAIT_FACTOR * embed.maxWait().toMillis();
        }
        long left = embed.maxWait().toMillis() - waited;
        if (left <= 0) {
            return true;
        }
        if (embed.policy() == EmbedBundlePolicy.FIXED) {
            return false;
        }
        Arrivals keyArrivals = arrivals.get(key);
        return !keyArrivals.backlog && keyArrivals.millisToArrive(largestBundle.getAsInt() - bundle.items.size()) > left;
    }

    private static final class Filling {
        final long openedAtMillis;
        final List<BundleItem> items = new ArrayList<>();

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

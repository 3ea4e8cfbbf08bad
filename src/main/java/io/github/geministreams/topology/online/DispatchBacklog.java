package io.github.geministreams.topology.online;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.PendingStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * What one task has read and not yet sent to Gemini. All of it is in the {@link PendingStore};
 * at most {@code memoryLimit} items of it are also in memory, in {@link OpenBundles}, ready
 * to be dispatched. The rest is read back from the store, in arrival order, as the bundles
 * in memory are sent: a backlog of any size costs disk, not heap, and the stream thread
 * never waits for room.
 *
 * <p>An item read back from the store may have been sent by the task's previous owner. Its
 * handover entry ({@link HandoverEntry}) says so: an answer is handed to the processor to
 * forward as it is ({@link #takeHandedOver}), a call still open keeps the item out of the
 * bundles until its answer comes or its time is up ({@link #recheckHandover}).
 *
 * <p>It also remembers which prompts have items in memory or at Gemini ({@link #released}
 * forgets them), so that a prompt is never dispatched twice by one task incarnation. With
 * {@code ordering=key}, a prompt whose key has an earlier prompt in progress waits in
 * {@link KeyOrder} (in memory, counted against {@code memoryLimit}) until that one has ended.
 *
 * <p>Not thread-safe: owned by one processor incarnation on its stream thread.
 */
public final class DispatchBacklog {
    private final PendingStore store;
    private final OpenBundles bundles;
    private final int memoryLimit;
    private final AppConfig.GeminiSettings gemini;
    private final Function<String, HandoverEntry> handover;
    private final long longestWaitMillis;
    /** Holds back later prompts of a key under ordering=key; null without. */
    private final KeyOrder keyOrder;
    /** Which remaining tasks of a prompt are this backlog's to send: the others are in batch mode. */
    private final TaskRouting routing;
    /** Items whose answer the previous owner handed over, to forward. */
    private final List<HandedOver> handedOver = new ArrayList<>();
    /** Items whose call the previous owner still has open. */
    private final List<Waiting> waiting = new ArrayList<>();
    /** Store key → items of that prompt in memory or at Gemini. */
    private final Map<String, Integer> held = new HashMap<>();
    /** True while some stored prompts are not in memory yet. */
    private boolean spilled;
    /** While spilled: the first stored key not yet read (null = from the first). */
    private String cursor;
    /** A prompt was stored behind the cursor (a key from an older format): scan from the first once more. */
    private boolean rescan;

    /** An item with the answer its task's previous owner received. */
    public record HandedOver(BundleItem item, Task task, HandoverEntry answer) {
    }

    private record Waiting(TaskModel key, BundleItem item, long untilMillis, long ageMillis) {
    }

    /** Decides which tasks of a pending prompt go online; may take the others for batch mode. */
    @FunctionalInterface
    public interface TaskRouting {
        /** Every remaining task: no batch mode. */
        TaskRouting ALL_ONLINE = (key, prompt, nowMillis) -> prompt.remaining();

        Set<Task> onlineTasks(String storeKey, PendingPrompt prompt, long nowMillis);

        /** Tasks the routing holds in memory itself (repeats waiting for an answer): they count against the limit. */
        default int heldInMemory() {
            return 0;
        }
    }

    /**
     * @param handover         the handover entry of an item's key ({@link HandoverEntry#key}), or null
     * @param longestWaitMillis the longest an item waits for a call its previous owner has open,
     *                         whatever that owner's clock said (a request timeout)
     * @param orderByKey       true for ordering=key: one prompt per record key in progress at a time
     * @param routing          which tasks of a prompt are sent online
     */
    public DispatchBacklog(PendingStore store, OpenBundles bundles, int memoryLimit, AppConfig.GeminiSettings gemini,
                           Function<String, HandoverEntry> handover, long longestWaitMillis, boolean orderByKey,
                           TaskRouting routing) {
        this.store = store;
        this.bundles = bundles;
        this.memoryLimit = memoryLimit;
        this.gemini = gemini;
        this.handover = handover;
        this.longestWaitMillis = longestWaitMillis;
        this.keyOrder = orderByKey ? new KeyOrder() : null;
        this.routing = routing;
    }

    /** Everything in the store is owed: an earlier incarnation or owner left it pending. */
    public void resumeStored() {
        spilled = true;
        cursor = null;
    }

    /** A prompt that has just been stored: into memory if there is room and nothing older waits in the store. */
    public void offer(String key, PendingPrompt prompt, long nowMillis) {
        if (!spilled && inMemory() < memoryLimit) {
            hold(key, prompt, nowMillis, false);
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
    public boolean refill(long nowMillis) {
        if (!spilled || inMemory() >= memoryLimit) {
            return false;
        }
        int before = inMemory();
        boolean fromFirst = false;
        while (true) {
            try (KeyValueIterator<String, PendingPrompt> entries = store.from(cursor)) {
                while (entries.hasNext()) {
                    var entry = entries.next();
                    if (held.containsKey(entry.key)) {
                        continue;
                    }
                    if (inMemory() >= memoryLimit) {
                        cursor = entry.key;
                        return inMemory() > before;
                    }
                    hold(entry.key, entry.value, nowMillis, true);
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
            return inMemory() > before;
        }
    }

    /**
     * The outcome of {@code item} has been handled (forwarded or dead-lettered), or it will
     * never be. When it was its prompt's last item, the next prompt of its key may start.
     */
    public void released(BundleItem item, long nowMillis) {
        Integer left = held.computeIfPresent(item.storeKey(), (key, items) -> items == 1 ? null : items - 1);
        if (left == null && keyOrder != null) {
            KeyOrder.Held next = keyOrder.ended(item.storeKey());
            if (next != null) {
                start(next.storeKey(), next.prompt(), nowMillis, next.fromStore());
            }
        }
    }

    /**
     * Sends {@code task} of the stored prompt at {@code key}, which the routing held back (a
     * repeat whose first copy could not answer it), like any task; nothing when it has its output.
     */
    public void sendHeldBack(String key, Task task, long nowMillis) {
        PendingPrompt prompt = store.get(key);
        if (prompt == null || !prompt.remaining().contains(task)) {
            return;
        }
        held.merge(key, 1, Integer::sum);
        bundles.add(TaskModel.of(task, prompt.request(), gemini), new BundleItem(key, prompt.request()), nowMillis,
                nowMillis - prompt.source().timestamp());
    }

    /** Answers handed over since the last call, to forward; each item stays held until {@link #released}. */
    public List<HandedOver> takeHandedOver() {
        if (handedOver.isEmpty()) {
            return List.of();
        }
        List<HandedOver> taken = new ArrayList<>(handedOver);
        handedOver.clear();
        return taken;
    }

    /** Items waiting for the previous owner's answer: answered ones to forward, the others to bundle once their time is up. */
    public void recheckHandover(long nowMillis) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting item = it.next();
            HandoverEntry entry = handover.apply(HandoverEntry.key(item.item().storeKey(), item.key().task()));
            if (entry != null && entry.answered()) {
                handedOver.add(new HandedOver(item.item(), item.key().task(), entry));
                it.remove();
            } else if (entry == null || nowMillis >= item.untilMillis()) {
                bundles.add(item.key(), item.item(), nowMillis, item.ageMillis());
                it.remove();
            }
        }
    }

    /** Items waiting for the previous owner's answer. */
    int waitingForHandover() {
        return waiting.size();
    }

    public Bundle pollReady() {
        return bundles.pollReady();
    }

    public int readyCount() {
        return bundles.readyCount();
    }

    /** Puts the halves of a rejected bundle back at the front. */
    public void retryFirst(List<Bundle> halves) {
        bundles.retryFirst(halves);
    }

    public boolean hasDue(long nowMillis, boolean quotaBound) {
        return bundles.hasDue(nowMillis, quotaBound);
    }

    public Bundle pollDue(long nowMillis, boolean quotaBound) {
        return bundles.pollDue(nowMillis, quotaBound);
    }

    /** Items in memory and not dispatched, prompts waiting for an earlier one of their key, and the routing's. */
    public int inMemory() {
        return bundles.size() + routing.heldInMemory() + (keyOrder == null ? 0 : keyOrder.waiting());
    }

    /** True while prompts wait in the store only. */
    public boolean spilled() {
        return spilled;
    }

    /**
     * Puts a prompt's remaining tasks in memory.
     *
     * @param fromStore true when read back from the store: a previous owner may have sent it
     */
    private void hold(String key, PendingPrompt prompt, long nowMillis, boolean fromStore) {
        int online = routing.onlineTasks(key, prompt, nowMillis).size();
        if (online == 0) {
            return;
        }
        // Held from now on, so that a store scan skips it, even while it waits for its key's turn.
        held.merge(key, online, Integer::sum);
        if (keyOrder == null || keyOrder.admit(key, prompt, fromStore)) {
            start(key, prompt, nowMillis, fromStore);
        }
    }

    /** Puts a held prompt's remaining tasks into the bundles, or with the previous owner's call. */
    private void start(String key, PendingPrompt prompt, long nowMillis, boolean fromStore) {
        long age = nowMillis - prompt.source().timestamp();
        for (Task task : routing.onlineTasks(key, prompt, nowMillis)) {
            TaskModel taskModel = TaskModel.of(task, prompt.request(), gemini);
            HandoverEntry entry = fromStore ? handover.apply(HandoverEntry.key(key, task)) : null;
            BundleItem item = new BundleItem(key, prompt.request(), entry != null);
            if (entry != null && entry.answered()) {
                handedOver.add(new HandedOver(item, task, entry));
            } else if (entry != null && entry.open() && entry.untilMillis() > nowMillis) {
                waiting.add(new Waiting(taskModel, item, Math.min(entry.untilMillis(), nowMillis + longestWaitMillis), age));
            } else {
                bundles.add(taskModel, item, nowMillis, age);
            }
        }
    }

}

package io.github.geministreams.topology.cache;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.topology.online.BundleItem;
import io.github.geministreams.topology.online.Completion;
import io.github.geministreams.topology.online.DispatchBacklog;
import io.github.geministreams.topology.output.Outcomes;
import io.github.geministreams.topology.store.HandoverEntry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One task incarnation's repeats in flight: a task the cache did not hold when its prompt
 * arrived, whose cache key is open on this instance right now ({@link OpenCacheKeys}), is held
 * here instead of being sent, and answered from the first copy's answer on a later punctuation
 * ({@link #tick}), as a cache hit is. So a text repeated within a burst costs one request per
 * instance, not one per copy. A task read back from the store (a backlog larger than memory,
 * or resumed) is also looked up in the cache again here, since its first copy may have been
 * answered since it arrived.
 *
 * <p>It sits in the {@link DispatchBacklog}'s routing, after batch mode's: every task the
 * backlog is about to put into its bundles passes here, whether it just arrived or was read
 * back from the store. A task whose key is not open opens it (it is the first copy) and goes on
 * to Gemini; this task settles its flight when the answer is handled ({@link #settled}), and
 * retires it once the cache store has that answer, so that a repeat read in between still finds it. Only
 * the tasks the cache applies to ({@link AnswerCache#applies}) take part, and not an item the
 * task's previous owner left a handover entry for (its own answer may come).
 *
 * <p><b>Across instances.</b> A first copy also writes an in-flight marker of its key to the
 * cache topic ({@link CacheEntry#marker}, due a request timeout later; in the task's transaction,
 * {@link #writeMarkers}). A repeat that finds no answer in the cache but a live marker of another
 * instance in the cache store is held on that marker (even when a first copy is open here too, a
 * rare race of two instances: either answer reaches the cache): it looks at the cache store again
 * every {@value #MARKER_RECHECK_MILLIS} ms, is answered as a cache hit once the answer is there,
 * and goes to Gemini once the marker is gone without an answer (withdrawn by a first copy that
 * failed, or its time is up) or it has waited a request timeout. A first copy whose task closes
 * withdraws nothing: its marker runs out.
 *
 * <p><b>Released to Gemini.</b> A held repeat goes to Gemini after all, once, when its first
 * copy fails (dead-lettered, or an answer the cache does not take, such as a fallback model's),
 * when the first copy's task closes, or when it has waited a request timeout. It then opens no
 * flight: later repeats wait for their own first copy.
 *
 * <p><b>What survives a crash.</b> A held repeat stays in the pending store, and is held in
 * memory only here: after a close, a crash or a move, the next incarnation reads it back like
 * any pending prompt. Each is counted against the backlog's memory limit ({@link #heldInMemory}).
 * A repeat is answered by the one path that removes its task from the store entry
 * ({@link Outcomes#answerFromCache}), so never twice.
 *
 * <p>Not thread-safe: one task's stream thread. Only {@link OpenCacheKeys} is shared.
 */
public final class HeldRepeats implements DispatchBacklog.TaskRouting {
    /**
     * How long a repeat waits for a first copy that has not ended. A first copy always ends (its
     * answer, its failure, or its task's close), however long it queues for the quota, and a
     * repeat sent meanwhile would only queue behind it at twice the cost; this only guards the
     * memory a repeat holds against a first copy that never ends.
     */
    public static final long LONGEST_REPEAT_WAIT_MILLIS = Duration.ofMinutes(30).toMillis();
    /** How often the repeats waiting on another instance's marker look for the answer in the cache store. */
    private static final long MARKER_RECHECK_MILLIS = 50;
    private final DispatchBacklog.TaskRouting inner;
    private final OpenCacheKeys open;
    private final AnswerCache cache;
    private final AppConfig.GeminiSettings gemini;
    private final Function<String, HandoverEntry> handover;
    private final long longestWaitMillis;
    private final int answersKept;
    /** Items of this task that opened a flight (first copies), until their outcome is handled. */
    private final Map<ItemTask, OpenCacheKeys.Flight> claimed = new HashMap<>();
    /** Repeats waiting, oldest first. */
    private final Map<ItemTask, Held> held = new LinkedHashMap<>();
    /** Flights this task answered, until the cache store has the answer: repeats read meanwhile still join them. */
    private final Deque<Answered> answered = new ArrayDeque<>();
    /** In-flight markers (and withdrawals) to write to the cache topic at the next {@link #writeMarkers}. */
    private final List<Record<byte[], byte[]>> markers = new ArrayList<>();
    /** When the repeats waiting on another instance's marker look at the cache store next. */
    private long markerRecheckAtMillis;

    private record ItemTask(String storeKey, Task task) {
    }

    private record Answered(OpenCacheKeys.Flight flight, long atMillis) {
    }

    /**
     * A repeat waiting: on {@code flight}, or (flight null) with the {@code cached} answer found in the
     * cache, or (both null) on another instance's marker of {@code cacheKey}, for the answer to reach the cache.
     */
    private record Held(BundleItem item, Task task, String cacheKey, OpenCacheKeys.Flight flight, CacheEntry cached,
                        long sinceMillis) {
        boolean onMarker() {
            return flight == null && cached == null;
        }
    }

    /** Where {@link #tick} hands the repeats whose wait has ended. */
    public interface Outlet {
        /**
         * Forwards {@code answer} as the output of {@code task} of {@code item}, as a cache hit.
         *
         * @param inFlight true when it is a first copy's answer, false when it was found in the cache
         */
        void answer(BundleItem item, Task task, CacheEntry answer, boolean inFlight);

        /** Sends {@code task} of the stored prompt at {@code storeKey} to Gemini after all. */
        void send(String storeKey, Task task);

        /** Forwards an in-flight marker ({@link CacheEntry#marker}) to the cache topic. */
        void mark(Record<byte[], byte[]> marker);
    }

    /**
     * @param inner             the routing before this one (batch mode's)
     * @param handover          the handover entry of an item's key ({@link HandoverEntry#key}), or null
     * @param longestWaitMillis how long an answered flight waits for the cache store to have its answer (a
     *                          request timeout)
     * @param answersKept       the most answered flights kept for the cache store to catch up (the task's
     *                          memory limit: the store lags by a commit, so this is seldom reached)
     */
    public HeldRepeats(DispatchBacklog.TaskRouting inner, OpenCacheKeys open, AnswerCache cache,
                       AppConfig.GeminiSettings gemini, Function<String, HandoverEntry> handover, long longestWaitMillis,
                int answersKept) {
        this.inner = inner;
        this.open = open;
        this.cache = cache;
        this.gemini = gemini;
        this.handover = handover;
        this.longestWaitMillis = longestWaitMillis;
        this.answersKept = answersKept;
    }

    /**
     * The tasks to send online, without the repeats held here. Asked again for the same prompt
     * (the backlog does, and a store scan may), it gives the same answer.
     */
    @Override
    public Set<Task> onlineTasks(String storeKey, PendingPrompt prompt, long nowMillis) {
        Set<Task> online = inner.onlineTasks(storeKey, prompt, nowMillis);
        Set<Task> sent = EnumSet.noneOf(Task.class);
        for (Task task : online) {
            if (!hold(new ItemTask(storeKey, task), prompt, nowMillis)) {
                sent.add(task);
            }
        }
        return sent;
    }

    /** True when the task is a repeat held here (now or already). */
    private boolean hold(ItemTask itemTask, PendingPrompt prompt, long nowMillis) {
        if (held.containsKey(itemTask)) {
            return true;
        }
        if (claimed.containsKey(itemTask) || !cache.applies(itemTask.task(), prompt)
                || handover.apply(HandoverEntry.key(itemTask.storeKey(), itemTask.task())) != null) {
            return false;
        }
        BundleItem item = new BundleItem(itemTask.storeKey(), prompt.request());
        String cacheKey = CacheKey.of(itemTask.task(), prompt.request(), gemini);
        // Answered on the next tick, not here: the backlog may be scanning the store.
        CacheEntry cached = cache.find(cacheKey, nowMillis);
        if (cached != null) {
            held.put(itemTask, new Held(item, itemTask.task(), cacheKey, null, cached, nowMillis));
            return true;
        }
        if (cache.pendingElsewhere(cacheKey, open.instance(), nowMillis) != null) {
            held.put(itemTask, new Held(item, itemTask.task(), cacheKey, null, null, nowMillis));
            return true;
        }
        OpenCacheKeys.Ticket ticket = open.claimOrJoin(cacheKey);
        if (ticket.claimed()) {
            claimed.put(itemTask, ticket.flight());
            markers.add(AnswerCache.markerRecord(cacheKey, open.instance(), nowMillis, nowMillis + longestWaitMillis));
            return false;
        }
        held.put(itemTask, new Held(item, itemTask.task(), cacheKey, ticket.flight(), null, nowMillis));
        return true;
    }

    @Override
    public int heldInMemory() {
        return held.size();
    }

    /**
     * Hands each repeat whose wait has ended to {@code outlet}: those whose first copy was
     * answered to forward, those whose first copy failed or that waited too long to send.
     */
    public void tick(long nowMillis, Outlet outlet) {
        retireCached(nowMillis);
        // The cache store changes once a commit: the repeats on markers need not look at it every tick.
        boolean recheckMarkers = nowMillis >= markerRecheckAtMillis;
        if (recheckMarkers) {
            markerRecheckAtMillis = nowMillis + MARKER_RECHECK_MILLIS;
        }
        for (Iterator<Held> it = held.values().iterator(); it.hasNext(); ) {
            Held repeat = it.next();
            OpenCacheKeys.Flight flight = repeat.flight();
            CacheEntry answer;
            // On another instance's marker: while the marker lives (a request timeout from its claim).
            boolean waits = nowMillis - repeat.sinceMillis() < LONGEST_REPEAT_WAIT_MILLIS;
            if (repeat.onMarker()) {
                if (!recheckMarkers) {
                    continue;
                }
                answer = cache.find(repeat.cacheKey(), nowMillis);
                waits &= cache.pendingElsewhere(repeat.cacheKey(), open.instance(), nowMillis) != null;
            } else {
                answer = flight == null ? repeat.cached() : flight.answer();
                waits &= flight != null && !flight.settled();
            }
            if (answer == null && waits) {
                continue;
            }
            it.remove();
            if (flight != null) {
                open.leave(flight);
            }
            if (answer != null) {
                outlet.answer(repeat.item(), repeat.task(), answer, flight != null);
            } else {
                outlet.send(repeat.item().storeKey(), repeat.task());
            }
        }
    }

    /**
     * Forwards the in-flight markers (and withdrawals) of the first copies sent since the last call: call it
     * after each record and before the answers of a tick are handled, so that a marker seldom trails its answer
     * (the loader ignores one that does).
     */
    public void writeMarkers(Outlet outlet) {
        markers.forEach(outlet::mark);
        markers.clear();
    }

    /**
     * Retires the answered flights whose answer the cache store has now (it committed and the
     * global thread read it), or that are older than a request timeout (it may never come: the
     * transaction aborted, or the cache dropped it), or beyond the most kept, oldest first.
     */
    private void retireCached(long nowMillis) {
        for (Iterator<Answered> it = answered.iterator(); it.hasNext(); ) {
            Answered flight = it.next();
            if (answered.size() <= answersKept && nowMillis - flight.atMillis() < longestWaitMillis
                    && cache.find(flight.flight().cacheKey(), nowMillis) == null) {
                continue;
            }
            open.retire(flight.flight());
            it.remove();
        }
    }

    /** The outcome of each item of {@code completion} has been handled: settles the flights they opened. */
    public void settled(Completion completion, long nowMillis) {
        Task task = completion.bundle().key().task();
        List<BundleItem> items = completion.bundle().items();
        if (items.stream().noneMatch(item -> claimed.containsKey(new ItemTask(item.storeKey(), task)))) {
            return;
        }
        List<HandoverEntry> answers = completion.failure() == null ? completion.itemAnswers() : null;
        for (int i = 0; i < items.size(); i++) {
            settled(items.get(i), task, answers == null ? null : answers.get(i), nowMillis);
        }
    }

    /**
     * The outcome of {@code task} of {@code item} has been handled: when it opened a flight, the
     * repeats take {@code answer} (or go to Gemini themselves when it is null or not for the cache).
     */
    public void settled(BundleItem item, Task task, HandoverEntry answer, long nowMillis) {
        OpenCacheKeys.Flight flight = claimed.remove(new ItemTask(item.storeKey(), task));
        if (flight == null) {
            return;
        }
        CacheEntry entry = answer == null ? null : cache.entry(task, item.request(), answer, nowMillis);
        if (entry == null) {
            open.failed(flight);
            // Withdraws this instance's marker: repeats on other instances go to Gemini now, not after a timeout.
            markers.add(AnswerCache.markerRecord(flight.cacheKey(), open.instance(), nowMillis, nowMillis));
        } else {
            open.answered(flight, entry);
            answered.add(new Answered(flight, nowMillis));
        }
    }

    /**
     * The incarnation ends: the flights it opened and has not answered fail (their repeats
     * elsewhere go to Gemini), those it answered are retired (their repeats take the answer), and
     * its held repeats leave theirs; they stay pending for the next incarnation.
     */
    public void close() {
        claimed.values().forEach(open::failed);
        claimed.clear();
        answered.forEach(flight -> open.retire(flight.flight()));
        answered.clear();
        held.values().stream().filter(repeat -> repeat.flight() != null).forEach(repeat -> open.leave(repeat.flight()));
        held.clear();
        // A task closing forwards nothing; the markers not written yet are not needed by anyone.
        markers.clear();
    }
}

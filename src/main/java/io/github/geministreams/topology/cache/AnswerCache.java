package io.github.geministreams.topology.cache;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topology.online.TaskModel;
import io.github.geministreams.topology.output.Outcomes;
import io.github.geministreams.topology.store.HandoverEntry;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * One task's view of the answer cache: the global store {@code gemini-cache}, which every
 * instance reads from the cache topic ({@link CacheLoader}), looked up when a prompt arrives,
 * and the records that add fresh answers to it.
 *
 * <p>What is cached: every embedding when {@code cache.embed.enabled}, every generate answer
 * when {@code cache.generate.enabled}, a safety-blocked answer included (it is an answer, and
 * the same request is blocked again). Never a failure (dead letters), nor a generate answer
 * from a fallback model: the key names the model asked for, and a later request should get
 * that model's answer when it has quota again. An answer is written in the same step as its
 * output, so with exactly-once the cache holds only answers whose outputs committed.
 *
 * <p>When it is read: as a prompt arrives ({@link Outcomes#settleFromCache}), and again when a
 * task is read into memory to be sent ({@link HeldRepeats}: a backlog read back from the pending
 * store, after a restart or a rebalance too, where a repeat often finds its first copy's answer
 * by then); a repeat whose first copy is still open on this instance waits for that answer. With
 * {@code ordering=key}, a prompt that has a record key is never answered from the cache, since
 * it would overtake the earlier prompts of its key.
 *
 * <p>Stream thread only (the store is written by the global thread; a read sees an entry whole).
 */
public final class AnswerCache {
    private final AppConfig.CacheSettings settings;
    private final AppConfig.GeminiSettings gemini;
    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final boolean keyOrdered;
    private final PipelineMetrics metrics;

    /**
     * @param store      the global cache store, or null when the topology has none (no reads, no writes)
     * @param keyOrdered true with {@code ordering=key}
     */
    public AnswerCache(AppConfig.CacheSettings settings, AppConfig.GeminiSettings gemini,
                       ReadOnlyKeyValueStore<String, byte[]> store, boolean keyOrdered, PipelineMetrics metrics) {
        this.settings = settings;
        this.gemini = gemini;
        this.store = store;
        this.keyOrdered = keyOrdered;
        this.metrics = metrics;
    }

    /** True when answers of {@code task} are read from and written to the cache. */
    boolean enabled(Task task) {
        return store != null && (task == Task.EMBED ? settings.embed() : settings.generate());
    }

    /**
     * True when {@code task} of {@code prompt} may be answered from the cache (or from an answer on
     * its way to it, {@link HeldRepeats}): the cache is on for the task, and with {@code ordering=key}
     * the prompt has no record key (an answer at once would overtake the earlier prompts of its key).
     */
    boolean applies(Task task, PendingPrompt prompt) {
        return enabled(task) && !(keyOrdered && prompt.originalKey() != null && prompt.originalKey().length > 0);
    }

    /**
     * The cached answer of {@code task} of {@code prompt} that is still valid at {@code nowMillis},
     * or null; counts a hit or a miss.
     */
    public CacheEntry lookup(Task task, PendingPrompt prompt, long nowMillis) {
        if (!applies(task, prompt)) {
            return null;
        }
        CacheEntry entry = find(CacheKey.of(task, prompt.request(), gemini), nowMillis);
        if (entry == null) {
            metrics.cacheMissed(task.wireName());
            return null;
        }
        metrics.cacheHit(task.wireName());
        return entry;
    }

    /**
     * The entry of {@code cacheKey} ({@link CacheKey}) still valid at {@code nowMillis}, or null, without
     * counting a hit or a miss: for a task the cache {@link #applies} to, read back from the pending
     * store (its lookup on arrival was counted), or to see whether a fresh answer has reached the store.
     */
    CacheEntry find(String cacheKey, long nowMillis) {
        byte[] stored = store.get(CacheLoader.entryKey(cacheKey));
        CacheEntry entry = stored == null ? null : Json.fromBytes(stored, CacheEntry.class);
        return entry == null || CacheLoader.expired(entry.writtenAtMillis(), nowMillis, settings.maxAge().toMillis())
                ? null : entry;
    }

    /**
     * The live in-flight marker of {@code cacheKey} ({@link CacheEntry#marker}) written by an instance
     * other than {@code instance}, at {@code nowMillis}; null when there is none or an answer is held.
     * A marker answers nothing: it tells a repeat that another instance's first copy is at Gemini.
     */
    CacheEntry pendingElsewhere(String cacheKey, String instance, long nowMillis) {
        byte[] stored = store.get(CacheLoader.markerKey(cacheKey));
        CacheEntry marker = stored == null ? null : Json.fromBytes(stored, CacheEntry.class);
        return marker == null || !marker.pendingAt(nowMillis) || instance.equals(marker.pendingOn()) ? null : marker;
    }

    /**
     * The cache record of a marker of {@code cacheKey}: instance {@code instance} has sent a first copy
     * whose answer is due by {@code pendingUntilMillis}; one with {@code pendingUntilMillis <= nowMillis}
     * withdraws the instance's marker (its first copy failed).
     */
    static Record<byte[], byte[]> markerRecord(String cacheKey, String instance, long nowMillis,
                                               long pendingUntilMillis) {
        return new Record<>(CacheKey.bytes(cacheKey),
                Json.toBytes(CacheEntry.marker(nowMillis, pendingUntilMillis, instance)), nowMillis);
    }

    /**
     * The cache record of a fresh answer to {@code task} of {@code request}, to forward with its
     * output; null when it is not to be cached.
     */
    public Record<byte[], byte[]> record(Task task, PromptRequest request, HandoverEntry answer, long nowMillis) {
        CacheEntry entry = entry(task, request, answer, nowMillis);
        return entry == null ? null
                : new Record<>(CacheKey.bytes(CacheKey.of(task, request, gemini)), Json.toBytes(entry), nowMillis);
    }

    /** The cache entry of a fresh answer to {@code task} of {@code request}; null when it is not to be cached. */
    CacheEntry entry(Task task, PromptRequest request, HandoverEntry answer, long nowMillis) {
        if (!enabled(task)) {
            return null;
        }
        String model = TaskModel.modelOf(task, request, gemini);
        if (task == Task.EMBED) {
            return new CacheEntry(nowMillis, model, answer.vector(), null);
        }
        return model.equals(answer.model()) ? new CacheEntry(nowMillis, model, null, answer.generated()) : null;
    }
}

package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
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
 * <p>When it is read: as a prompt arrives ({@link Outcomes#settleFromCache}). Prompts a task
 * resumes from its pending store after a restart or a rebalance are not looked up again (they
 * were, when they arrived; an answer that came since is a rare saving, not worth a second
 * path). With {@code ordering=key}, a prompt that has a record key is never answered from the
 * cache, since it would overtake the earlier prompts of its key.
 *
 * <p>Stream thread only (the store is written by the global thread; a read sees an entry whole).
 */
final class AnswerCache {
    private final AppConfig.CacheSettings settings;
    private final AppConfig.GeminiSettings gemini;
    private final ReadOnlyKeyValueStore<String, byte[]> store;
    private final boolean keyOrdered;
    private final PipelineMetrics metrics;

    /**
     * @param store      the global cache store, or null when the topology has none (no reads, no writes)
     * @param keyOrdered true with {@code ordering=key}
     */
    AnswerCache(AppConfig config, ReadOnlyKeyValueStore<String, byte[]> store, boolean keyOrdered,
                PipelineMetrics metrics) {
        this.settings = config.cache();
        this.gemini = config.gemini();
        this.store = store;
        this.keyOrdered = keyOrdered;
        this.metrics = metrics;
    }

    /** True when answers of {@code task} are read from and written to the cache. */
    boolean enabled(Task task) {
        return store != null && (task == Task.EMBED ? settings.embed() : settings.generate());
    }

    /**
     * The cached answer of {@code task} of {@code prompt} that is still valid at {@code nowMillis},
     * or null; counts a hit or a miss.
     */
    CacheEntry lookup(Task task, PendingPrompt prompt, long nowMillis) {
        if (!enabled(task) || (keyOrdered && prompt.originalKey() != null && prompt.originalKey().length > 0)) {
            return null;
        }
        byte[] stored = store.get(CacheLoader.entryKey(CacheKey.of(task, prompt.request(), gemini)));
        CacheEntry entry = stored == null ? null : Json.fromBytes(stored, CacheEntry.class);
        if (entry == null || CacheLoader.expired(entry.writtenAtMillis(), nowMillis, settings.maxAge().toMillis())) {
            metrics.cacheMissed(task.wireName());
            return null;
        }
        metrics.cacheHit(task.wireName());
        return entry;
    }

    /**
     * The cache record of a fresh answer to {@code task} of {@code request}, to forward with its
     * output; null when it is not to be cached.
     */
    Record<byte[], byte[]> record(Task task, PromptRequest request, HandoverEntry answer, long nowMillis) {
        if (!enabled(task)) {
            return null;
        }
        String model = CacheKey.model(task, request, gemini);
        CacheEntry entry;
        if (task == Task.EMBED) {
            entry = new CacheEntry(nowMillis, model, answer.vector(), null);
        } else if (model.equals(answer.model())) {
            entry = new CacheEntry(nowMillis, model, null, answer.generated());
        } else {
            return null;
        }
        return new Record<>(CacheKey.bytes(CacheKey.of(task, request, gemini)), Json.toBytes(entry), nowMillis);
    }
}

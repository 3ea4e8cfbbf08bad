package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.logging.RateLimitedLog;
import io.github.geministreams.serde.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this instance's copy of the cache topic (the global store {@code gemini-cache})
 * bounded: at most {@code cache.max.entries} entries, none older than {@code cache.max.age}.
 * Runs on Kafka Streams' global thread, for every record read and, since Kafka Streams 4
 * reprocesses a global store's records through its processor on restore
 * ({@code GlobalStateManagerImpl#reprocessState}), for every record restored too.
 *
 * <p>The store holds three kinds of keys:
 * <ul>
 *   <li>{@code e:<cache key>}: the entry, the {@link CacheEntry} JSON as read from the topic
 *       ({@link #entryKey}, what the batcher looks up);</li>
 *   <li>{@code t:<writtenAt, 19 digits>:<cache key>}: an empty index record, so that the
 *       entries sort by the time they were written and the oldest is the first in range;</li>
 *   <li>{@code #count}: the number of entries, kept in the store so that it survives a restart
 *       with the store (the processor on restore and the one after it are two objects).</li>
 * </ul>
 *
 * <p><b>The same on every instance.</b> The partitions of the topic are read interleaved in an
 * order that differs between instances, so the bound does not go by arrival: each instance
 * keeps the {@code cache.max.entries} entries written last (by {@code writtenAtMillis}), which
 * are the same whatever order it read them in. A record that is not newer than the entry held
 * for its key changes nothing, so a record read twice (restored again after a crash) is
 * harmless. Only tombstones and the age limit (wall clock) can make copies differ for a while,
 * and neither makes a copy answer something another would not.
 *
 * <p>A record that cannot be read is skipped, with a log line: at worst a text is embedded again.
 */
final class CacheLoader implements Processor<byte[], byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(CacheLoader.class);
    private static final String ENTRY_PREFIX = "e:";
    private static final String INDEX_PREFIX = "t:";
    /** The character after ':', so that [t:, t;) is the whole index. */
    private static final String INDEX_END = "t;";
    private static final String COUNT_KEY = "#count";
    private static final int TIME_DIGITS = 19;

    private final String storeName;
    private final long maxEntries;
    private final long maxAgeMillis;
    private final LongConsumer entriesGauge;
    private final RateLimitedLog unreadable = new RateLimitedLog(log, Duration.ofMinutes(1));
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;
    private long count;
    /**
     * An index key at or below every index key in the store (the last one evicted), or null:
     * where a scan for the oldest starts, so that it need not step over the deletions RocksDB
     * keeps at the head of the index until it compacts.
     */
    private String head;

    /**
     * @param entriesGauge told the number of entries after every change (the {@code cache_entries} gauge)
     */
    CacheLoader(String storeName, AppConfig.CacheSettings settings, LongConsumer entriesGauge) {
        this.storeName = storeName;
        this.maxEntries = settings.maxEntries();
        this.maxAgeMillis = settings.maxAge().toMillis();
        this.entriesGauge = entriesGauge;
    }

    /** The store key of the entry with cache key {@code cacheKey}. */
    static String entryKey(String cacheKey) {
        return ENTRY_PREFIX + cacheKey;
    }

    /** True when an entry written at {@code writtenAtMillis} answers no more at {@code nowMillis}. */
    static boolean expired(long writtenAtMillis, long nowMillis, long maxAgeMillis) {
        return nowMillis - writtenAtMillis > maxAgeMillis;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        byte[] stored = store.get(COUNT_KEY);
        count = stored == null ? 0 : ByteBuffer.wrap(stored).getLong();
        entriesGauge.accept(count);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String key = new String(record.key(), StandardCharsets.UTF_8);
        long held = writtenAt(store.get(entryKey(key)));
        long now = context.currentSystemTimeMs();
        if (record.value() == null) {
            if (held >= 0) {
                remove(key, held);
            }
        } else {
            CacheEntry entry = read(key, record.value());
            if (entry != null && entry.writtenAtMillis() > held) {
                if (held >= 0) {
                    remove(key, held);
                }
                if (!expired(entry.writtenAtMillis(), now, maxAgeMillis)) {
                    add(key, entry.writtenAtMillis(), record.value());
                }
            }
        }
        evictOldest(now);
        store.put(COUNT_KEY, ByteBuffer.allocate(Long.BYTES).putLong(count).array());
        entriesGauge.accept(count);
    }

    private CacheEntry read(String key, byte[] value) {
        try {
            return Json.fromBytes(value, CacheEntry.class);
        } catch (RuntimeException e) {
            unreadable.warn("Skipped an unreadable cache record {}: {}", key, e.toString());
            return null;
        }
    }

    /** The entry's time, or -1 when there is none. */
    private static long writtenAt(byte[] entry) {
        return entry == null ? -1 : Json.fromBytes(entry, CacheEntry.class).writtenAtMillis();
    }

    private void add(String key, long writtenAtMillis, byte[] value) {
        String indexKey = indexKey(writtenAtMillis, key);
        if (head != null && indexKey.compareTo(head) < 0) {
            head = null;
        }
        store.put(entryKey(key), value);
        store.put(indexKey, new byte[0]);
        count++;
    }

    private void remove(String key, long writtenAtMillis) {
        store.delete(entryKey(key));
        store.delete(indexKey(writtenAtMillis, key));
        count--;
    }

    /** Drops the oldest entries while there are too many or they are too old. */
    private void evictOldest(long nowMillis) {
        List<String> evicted = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> index = store.range(head == null ? INDEX_PREFIX : head, INDEX_END)) {
            while (index.hasNext()) {
                String indexKey = index.next().key;
                long writtenAtMillis = Long.parseLong(indexKey, INDEX_PREFIX.length(), INDEX_PREFIX.length() + TIME_DIGITS, 10);
                if (count - evicted.size() <= maxEntries && !expired(writtenAtMillis, nowMillis, maxAgeMillis)) {
                    break;
                }
                evicted.add(indexKey);
            }
        }
        for (String indexKey : evicted) {
            remove(indexKey.substring(INDEX_PREFIX.length() + TIME_DIGITS + 1), Long.parseLong(indexKey,
                    INDEX_PREFIX.length(), INDEX_PREFIX.length() + TIME_DIGITS, 10));
            head = indexKey;
        }
    }

    private static String indexKey(long writtenAtMillis, String key) {
        String time = Long.toString(writtenAtMillis);
        return INDEX_PREFIX + "0".repeat(Math.max(0, TIME_DIGITS - time.length())) + time + ":" + key;
    }
}

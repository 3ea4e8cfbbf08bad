package io.github.geministreams.topology.cache;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.serde.Json;
import io.github.geministreams.support.RateLimitedLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
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
 * <p>The store holds five kinds of keys:
 * <ul>
 *   <li>{@code e:<cache key>}: the entry, the {@link CacheEntry} JSON as read from the topic
 *       ({@link #entryKey}, what the batcher looks up);</li>
 *   <li>{@code t:<writtenAt, 19 digits>:<cache key>}: an empty index record, so that the
 *       entries sort by the time they were written and the oldest is the first in range;</li>
 *   <li>{@code #count}: the number of entries, kept in the store so that it survives a restart
 *       with the store (the processor on restore and the one after it are two objects);</li>
 *   <li>{@code p:<cache key>}: an in-flight marker ({@link CacheEntry#pending}, {@link #markerKey}),
 *       and {@code u:<pendingUntil, 19 digits>:<cache key>}, its index by expiry.</li>
 * </ul>
 *
 * <p><b>Markers</b> are kept apart from the entries: they neither count toward
 * {@code cache.max.entries} nor take an answer's place. A marker is dropped when an answer or a
 * tombstone of its key arrives, when a newer marker of its key does (one whose time is up
 * withdraws it, when it is from the same instance: another's first copy may still be out), and once its time is up; one arriving while an answer is held, or not newer
 * than the marker held, changes nothing, and an expired one is not kept.
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
public final class CacheLoader implements Processor<byte[], byte[], Void, Void> {
    private static final Logger log = LoggerFactory.getLogger(CacheLoader.class);
    private static final String ENTRY_PREFIX = "e:";
    private static final String INDEX_PREFIX = "t:";
    /** The character after ':', so that [t:, t;) is the whole index. */
    private static final String INDEX_END = "t;";
    private static final String COUNT_KEY = "#count";
    private static final String MARKER_PREFIX = "p:";
    private static final String MARKER_INDEX_PREFIX = "u:";
    private static final String MARKER_INDEX_END = "u;";
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
    /** As {@link #head}, for the markers' index: every marker index key below it has been dropped. */
    private String markerHead;

    /**
     * @param entriesGauge told the number of entries after every change (the {@code cache_entries} gauge)
     */
    public CacheLoader(String storeName, AppConfig.CacheSettings settings, LongConsumer entriesGauge) {
        this.storeName = storeName;
        this.maxEntries = settings.maxEntries();
        this.maxAgeMillis = settings.maxAge().toMillis();
        this.entriesGauge = entriesGauge;
    }

    /** The store key of the entry with cache key {@code cacheKey}. */
    static String entryKey(String cacheKey) {
        return ENTRY_PREFIX + cacheKey;
    }

    /** The store key of the in-flight marker of cache key {@code cacheKey}. */
    static String markerKey(String cacheKey) {
        return MARKER_PREFIX + cacheKey;
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
        CacheEntry marker = readHeld(store.get(markerKey(key)));
        if (record.value() == null) {
            if (held >= 0) {
                remove(key, held);
            }
            if (marker != null) {
                removeMarker(key, marker);
            }
        } else {
            CacheEntry entry = read(key, record.value());
            if (entry != null && entry.pending()) {
                if (held < 0 && replaces(entry, marker, now)) {
                    if (marker != null) {
                        removeMarker(key, marker);
                    }
                    if (entry.pendingAt(now)) {
                        addMarker(key, entry, record.value());
                    }
                }
            } else if (entry != null) {
                if (marker != null) {
                    removeMarker(key, marker);
                }
                if (entry.writtenAtMillis() > held) {
                    if (held >= 0) {
                        remove(key, held);
                    }
                    if (!expired(entry.writtenAtMillis(), now, maxAgeMillis)) {
                        add(key, entry.writtenAtMillis(), record.value());
                    }
                }
            }
        }
        dropExpiredMarkers(now);
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
        CacheEntry held = readHeld(entry);
        return held == null ? -1 : held.writtenAtMillis();
    }

    private static CacheEntry readHeld(byte[] stored) {
        return stored == null ? null : Json.fromBytes(stored, CacheEntry.class);
    }

    /**
     * True when marker {@code entry} takes the place of the marker {@code held} (or null): a live one when it is
     * newer, one whose time is up (a withdrawal) when it is from the same instance and not older.
     */
    private static boolean replaces(CacheEntry entry, CacheEntry held, long nowMillis) {
        if (held == null) {
            return true;
        }
        return entry.pendingAt(nowMillis) ? entry.writtenAtMillis() > held.writtenAtMillis()
                : Objects.equals(entry.pendingOn(), held.pendingOn()) && entry.writtenAtMillis() >= held.writtenAtMillis();
    }

    private void addMarker(String key, CacheEntry marker, byte[] value) {
        String indexKey = indexKey(MARKER_INDEX_PREFIX, marker.pendingUntilMillis(), key);
        if (markerHead != null && indexKey.compareTo(markerHead) < 0) {
            markerHead = null;
        }
        store.put(markerKey(key), value);
        store.put(indexKey, new byte[0]);
    }

    private void removeMarker(String key, CacheEntry marker) {
        store.delete(markerKey(key));
        store.delete(indexKey(MARKER_INDEX_PREFIX, marker.pendingUntilMillis(), key));
    }

    /** Drops the markers whose time is up: their first copies' answers are not coming (or came as a miss). */
    private void dropExpiredMarkers(long nowMillis) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> index = store.range(markerHead == null ? MARKER_INDEX_PREFIX : markerHead,
                MARKER_INDEX_END)) {
            while (index.hasNext()) {
                String indexKey = index.next().key;
                if (timeOf(indexKey) > nowMillis) {
                    break;
                }
                expired.add(indexKey);
            }
        }
        for (String indexKey : expired) {
            String key = indexKey.substring(MARKER_INDEX_PREFIX.length() + TIME_DIGITS + 1);
            store.delete(markerKey(key));
            store.delete(indexKey);
            markerHead = indexKey;
        }
    }

    private static long timeOf(String indexKey) {
        return Long.parseLong(indexKey, INDEX_PREFIX.length(), INDEX_PREFIX.length() + TIME_DIGITS, 10);
    }

    private void add(String key, long writtenAtMillis, byte[] value) {
        String indexKey = indexKey(INDEX_PREFIX, writtenAtMillis, key);
        if (head != null && indexKey.compareTo(head) < 0) {
            head = null;
        }
        store.put(entryKey(key), value);
        store.put(indexKey, new byte[0]);
        count++;
    }

    private void remove(String key, long writtenAtMillis) {
        store.delete(entryKey(key));
        store.delete(indexKey(INDEX_PREFIX, writtenAtMillis, key));
        count--;
    }

    /** Drops the oldest entries while there are too many or they are too old. */
    private void evictOldest(long nowMillis) {
        List<String> evicted = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> index = store.range(head == null ? INDEX_PREFIX : head, INDEX_END)) {
            while (index.hasNext()) {
                String indexKey = index.next().key;
                long writtenAtMillis = timeOf(indexKey);
                if (count - evicted.size() <= maxEntries && !expired(writtenAtMillis, nowMillis, maxAgeMillis)) {
                    break;
                }
                evicted.add(indexKey);
            }
        }
        for (String indexKey : evicted) {
            remove(indexKey.substring(INDEX_PREFIX.length() + TIME_DIGITS + 1), timeOf(indexKey));
            head = indexKey;
        }
    }

    private static String indexKey(String prefix, long millis, String key) {
        String time = Long.toString(millis);
        return prefix + "0".repeat(Math.max(0, TIME_DIGITS - time.length())) + time + ":" + key;
    }
}

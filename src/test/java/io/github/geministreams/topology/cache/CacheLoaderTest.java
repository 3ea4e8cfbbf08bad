package io.github.geministreams.topology.cache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.serde.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The bounds of an instance's copy of the cache, record by record as the global thread feeds it. */
class CacheLoaderTest {
    private static final String STORE = "gemini-cache";
    private static final long NOW = 1_800_000_000_000L;
    private static final Duration MAX_AGE = Duration.ofHours(1);

    private final AtomicLong gauge = new AtomicLong(-1);
    private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
    private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();

    CacheLoaderTest() {
        context.setCurrentSystemTimeMs(NOW);
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
    }

    private CacheLoader loader(long maxEntries) {
        CacheLoader loader = new CacheLoader(STORE, new AppConfig.CacheSettings(true, false, maxEntries, MAX_AGE),
                gauge::set);
        loader.init(context);
        return loader;
    }

    private static Record<byte[], byte[]> entry(String key, long writtenAt) {
        return new Record<>(key.getBytes(UTF_8),
                Json.toBytes(new CacheEntry(writtenAt, "m", new float[] {writtenAt % 7}, null)), writtenAt);
    }

    private static Record<byte[], byte[]> tombstone(String key) {
        return new Record<>(key.getBytes(UTF_8), null, NOW);
    }

    private boolean holds(String key) {
        return store.get(CacheLoader.entryKey(key)) != null;
    }

    private TreeSet<String> held(List<String> keys) {
        TreeSet<String> held = new TreeSet<>();
        keys.stream().filter(this::holds).forEach(held::add);
        return held;
    }

    @Test
    void shouldKeepTheEntriesWrittenLastWhenThereAreTooMany() {
        CacheLoader loader = loader(3);
        for (int i = 0; i < 5; i++) {
            loader.process(entry("k" + i, NOW - 100 + i));
        }
        assertEquals(new TreeSet<>(List.of("k2", "k3", "k4")), held(List.of("k0", "k1", "k2", "k3", "k4")));
        assertEquals(3, gauge.get());
        // An entry older than all the others arrives late (another partition): it is not kept.
        loader.process(entry("late", NOW - 1_000));
        assertEquals(new TreeSet<>(List.of("k2", "k3", "k4")), held(List.of("late", "k2", "k3", "k4")));
        assertEquals(3, gauge.get());
    }

    @Test
    void shouldKeepTheSameEntriesWhateverOrderThePartitionsAreReadIn() {
        List<Record<byte[], byte[]>> records = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            keys.add("k" + i);
            records.add(entry("k" + i, NOW - 10_000 + i * 13 % 997));
        }
        TreeSet<String> first = null;
        Random random = new Random(7);
        for (int run = 0; run < 5; run++) {
            clearStore();
            CacheLoader loader = loader(50);
            List<Record<byte[], byte[]>> shuffled = new ArrayList<>(records);
            Collections.shuffle(shuffled, random);
            shuffled.forEach(loader::process);
            TreeSet<String> held = held(keys);
            assertEquals(50, held.size());
            if (first == null) {
                first = held;
            } else {
                assertEquals(first, held, "run " + run);
            }
        }
    }

    /** Another instance: an empty copy. */
    private void clearStore() {
        List<String> all = new ArrayList<>();
        try (var entries = store.all()) {
            entries.forEachRemaining(entry -> all.add(entry.key));
        }
        all.forEach(store::delete);
    }

    @Test
    void shouldNotCountARecordReadTwice() {
        CacheLoader loader = loader(10);
        loader.process(entry("a", NOW - 5));
        loader.process(entry("b", NOW - 4));
        loader.process(entry("a", NOW - 5));
        assertEquals(2, gauge.get());
        // A newer answer for a key replaces the older one; an older one changes nothing.
        loader.process(entry("a", NOW - 1));
        loader.process(entry("a", NOW - 9));
        assertEquals(2, gauge.get());
        assertEquals(NOW - 1, Json.fromBytes(store.get(CacheLoader.entryKey("a")), CacheEntry.class).writtenAtMillis());
    }

    @Test
    void shouldDeleteAnEntryOnATombstone() {
        CacheLoader loader = loader(10);
        loader.process(entry("a", NOW - 5));
        loader.process(entry("b", NOW - 4));
        loader.process(tombstone("a"));
        loader.process(tombstone("never-written"));
        assertNull(store.get(CacheLoader.entryKey("a")));
        assertNotNull(store.get(CacheLoader.entryKey("b")));
        assertEquals(1, gauge.get());
        // Its index record went with it: filling up to the bound evicts b, not a ghost of a.
        for (int i = 0; i < 10; i++) {
            loader.process(entry("n" + i, NOW - 3 + i));
        }
        assertEquals(10, gauge.get());
        assertNull(store.get(CacheLoader.entryKey("b")));
    }

    @Test
    void shouldDropEntriesOlderThanTheMaximumAge() {
        CacheLoader loader = loader(10);
        loader.process(entry("expired-on-arrival", NOW - MAX_AGE.toMillis() - 1));
        loader.process(entry("old", NOW - MAX_AGE.toMillis() + 1_000));
        loader.process(entry("young", NOW - 10));
        assertEquals(2, gauge.get());
        assertNull(store.get(CacheLoader.entryKey("expired-on-arrival")));

        context.setCurrentSystemTimeMs(NOW + 2_000);
        loader.process(entry("new", NOW + 2_000));
        assertNull(store.get(CacheLoader.entryKey("old")), "expired while held");
        assertEquals(new TreeSet<>(List.of("new", "young")), held(List.of("old", "young", "new")));
        assertEquals(2, gauge.get());
    }

    @Test
    void shouldKeepItsCountAcrossARestart() {
        loader(10).process(entry("a", NOW - 5));
        loader(10).process(entry("b", NOW - 4));
        CacheLoader restarted = loader(2);
        assertEquals(2, gauge.get());
        restarted.process(entry("c", NOW - 3));
        assertEquals(2, gauge.get());
        assertEquals(new TreeSet<>(List.of("b", "c")), held(List.of("a", "b", "c")));
    }

    @Test
    void shouldSkipAnUnreadableRecord() {
        CacheLoader loader = loader(10);
        loader.process(new Record<>("bad".getBytes(UTF_8), "not json".getBytes(UTF_8), NOW));
        loader.process(entry("good", NOW - 1));
        assertNull(store.get(CacheLoader.entryKey("bad")));
        assertEquals(1, gauge.get());
    }

    private static Record<byte[], byte[]> marker(String key, long writtenAt, long pendingUntil, String instance) {
        return new Record<>(key.getBytes(UTF_8), Json.toBytes(CacheEntry.marker(writtenAt, pendingUntil, instance)),
                writtenAt);
    }

    private CacheEntry markerOf(String key) {
        byte[] stored = store.get(CacheLoader.markerKey(key));
        return stored == null ? null : Json.fromBytes(stored, CacheEntry.class);
    }

    @Test
    void shouldKeepAMarkerApartFromTheEntriesAndLetAnAnswerReplaceIt() {
        CacheLoader loader = loader(10);
        loader.process(marker("a", NOW - 5, NOW + 60_000, "x"));
        assertNull(store.get(CacheLoader.entryKey("a")), "a marker is no answer");
        assertEquals(NOW + 60_000, markerOf("a").pendingUntilMillis());
        assertEquals(0, gauge.get(), "a marker is not counted as an entry");
        // The answer arrives: it is the entry, and the marker is gone.
        loader.process(entry("a", NOW - 1));
        assertNotNull(store.get(CacheLoader.entryKey("a")));
        assertNull(markerOf("a"));
        assertEquals(1, gauge.get());
    }

    @Test
    void shouldNeverReplaceAnAnswerWithAMarker() {
        CacheLoader loader = loader(10);
        loader.process(entry("a", NOW - 5));
        loader.process(marker("a", NOW - 1, NOW + 60_000, "x"));
        assertNull(markerOf("a"));
        assertEquals(NOW - 5, Json.fromBytes(store.get(CacheLoader.entryKey("a")), CacheEntry.class).writtenAtMillis());
        assertEquals(1, gauge.get());
    }

    @Test
    void shouldKeepTheNewerMarkerAndLetOnlyItsOwnInstanceWithdrawIt() {
        CacheLoader loader = loader(10);
        loader.process(marker("a", NOW - 5, NOW + 60_000, "x"));
        loader.process(marker("a", NOW - 3, NOW + 60_000, "y"));
        loader.process(marker("a", NOW - 4, NOW + 70_000, "z"));
        assertEquals("y", markerOf("a").pendingOn(), "an older marker changes nothing");
        // x's first copy failed: its withdrawal does not touch y's marker, whose first copy is still out.
        loader.process(marker("a", NOW - 2, NOW - 2, "x"));
        assertEquals("y", markerOf("a").pendingOn());
        loader.process(marker("a", NOW - 1, NOW - 1, "y"));
        assertNull(markerOf("a"));
        // A withdrawal on its own keeps nothing.
        loader.process(marker("b", NOW - 1, NOW - 1, "y"));
        assertNull(markerOf("b"));
    }

    @Test
    void shouldDropAMarkerWhoseTimeIsUp() {
        CacheLoader loader = loader(10);
        loader.process(marker("expired-on-arrival", NOW - 100, NOW - 1, "x"));
        loader.process(marker("short", NOW - 5, NOW + 1_000, "x"));
        loader.process(marker("long", NOW - 5, NOW + 60_000, "x"));
        assertNull(markerOf("expired-on-arrival"));
        context.setCurrentSystemTimeMs(NOW + 2_000);
        loader.process(entry("other", NOW + 2_000));
        assertNull(markerOf("short"), "expired while held");
        assertNotNull(markerOf("long"));
        // The dropped marker's index went with it: a new marker of the key is kept and dropped in its turn.
        loader.process(marker("short", NOW + 2_000, NOW + 3_000, "x"));
        assertNotNull(markerOf("short"));
        context.setCurrentSystemTimeMs(NOW + 4_000);
        loader.process(tombstone("long"));
        assertNull(markerOf("short"));
        assertNull(markerOf("long"), "a tombstone drops the marker too");
    }

    @Test
    void shouldNotLetMarkersEvictAnswers() {
        CacheLoader loader = loader(2);
        loader.process(entry("a", NOW - 5));
        loader.process(entry("b", NOW - 4));
        for (int i = 0; i < 5; i++) {
            loader.process(marker("m" + i, NOW - 3 + i, NOW + 60_000, "x"));
        }
        assertEquals(new TreeSet<>(List.of("a", "b")), held(List.of("a", "b")));
        assertEquals(2, gauge.get());
        // A marker's answer arriving counts as an entry like any other: the oldest answer goes.
        loader.process(entry("m0", NOW - 1));
        assertEquals(new TreeSet<>(List.of("b", "m0")), held(List.of("a", "b", "m0")));
        assertNull(markerOf("m0"));
        assertNotNull(markerOf("m1"));
    }
}

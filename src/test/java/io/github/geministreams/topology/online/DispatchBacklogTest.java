package io.github.geministreams.topology.online;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.config.EmbedBundlePolicy;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.JsonSerde;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.PendingStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The bounded window of a task's backlog in memory, and the store behind it. */
class DispatchBacklogTest {
    private static final int MEMORY_LIMIT = 4;
    private final AppConfig.GeminiSettings gemini = ConfigLayers.defaults().build().gemini();
    private final KeyValueStore<String, PendingPrompt> kv = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("pending"), Serdes.String(), new JsonSerde<>(PendingPrompt.class))
            .withLoggingDisabled().build();
    private static final long LONGEST_WAIT = 60_000;
    private final PendingStore store;
    /** The handover topic's entries, as the global store would have them. */
    private final Map<String, HandoverEntry> handover = new HashMap<>();
    private final DispatchBacklog backlog;

    DispatchBacklogTest() {
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        kv.init(context.getStateStoreContext(), kv);
        store = new PendingStore(kv);
        OpenBundles batches = new OpenBundles(new AppConfig.EmbedBundleSettings(100, Duration.ofMillis(100), EmbedBundlePolicy.FIXED));
        backlog = new DispatchBacklog(store, batches, MEMORY_LIMIT, gemini, handover::get, LONGEST_WAIT, false,
                DispatchBacklog.TaskRouting.ALL_ONLINE);
    }

    @Test
    void shouldHoldAtMostItsLimitInMemoryAndBringTheRestBackInArrivalOrder() {
        for (long offset = 0; offset < 25; offset++) {
            PendingPrompt prompt = generate(offset);
            backlog.offer(stored(prompt), prompt, 0);
            assertTrue(backlog.inMemory() <= MEMORY_LIMIT, "in memory: " + backlog.inMemory());
        }
        List<String> sent = new ArrayList<>();
        do {
            Bundle batch;
            while ((batch = backlog.pollReady()) != null) {
                batch.items().forEach(item -> sent.add(item.text()));
                batch.items().forEach(item -> {
                    store.delete(item.storeKey());
                    backlog.released(item, 0L);
                });
            }
        } while (backlog.refill(0));
        List<String> expected = new ArrayList<>();
        for (long offset = 0; offset < 25; offset++) {
            expected.add("prompt " + offset);
        }
        assertEquals(expected, sent, "each once, oldest first (offsets 2 and 10 sort as numbers, not as text)");
        assertFalse(backlog.spilled());
    }

    @Test
    void shouldNotBringBackAPromptThatIsStillInMemoryOrAtGemini() {
        backlog.resumeStored();
        for (long offset = 0; offset < 3; offset++) {
            stored(generate(offset));
        }
        assertTrue(backlog.refill(0));
        Bundle first = backlog.pollReady();
        // A prompt stored under an older, unpadded key sorts after the cursor: the backlog scans again from the first.
        PendingPrompt late = generate(3);
        kv.put("prompts-0-3", late);
        backlog.offer("prompts-0-3", late, 0);
        List<String> texts = new ArrayList<>();
        texts.add(first.items().get(0).text());
        do {
            Bundle batch;
            while ((batch = backlog.pollReady()) != null) {
                texts.add(batch.items().get(0).text());
            }
        } while (backlog.refill(0));
        assertEquals(List.of("prompt 0", "prompt 1", "prompt 2", "prompt 3"), texts,
                "prompt 0 is at Gemini and was not read again; each of the others once");
    }

    @Test
    void shouldHaveOnePromptPerKeyInProgressAndStartEachKeysPromptsInInputOrderWithKeyOrdering() {
        OpenBundles batches = new OpenBundles(new AppConfig.EmbedBundleSettings(100, Duration.ofMillis(100), EmbedBundlePolicy.FIXED));
        DispatchBacklog ordered = new DispatchBacklog(store, batches, MEMORY_LIMIT, gemini, handover::get, LONGEST_WAIT,
                true, DispatchBacklog.TaskRouting.ALL_ONLINE);
        int prompts = 15;
        for (long offset = 0; offset < prompts; offset++) {
            PendingPrompt prompt = keyed(offset, "key-" + offset % 3);
            ordered.offer(stored(prompt), prompt, 0);
            assertTrue(ordered.inMemory() <= MEMORY_LIMIT, "waiting prompts count against the limit: " + ordered.inMemory());
        }
        Map<String, List<Long>> startedPerKey = new HashMap<>();
        Deque<BundleItem> atGemini = new ArrayDeque<>();
        int started = 0;
        while (started < prompts) {
            Bundle batch;
            while ((batch = ordered.pollReady()) != null) {
                BundleItem item = batch.items().get(0);
                String key = new String(store.get(item.storeKey()).originalKey(), UTF_8);
                assertTrue(atGemini.stream().noneMatch(other -> item.storeKey().equals(other.storeKey())
                        || key.equals(new String(store.get(other.storeKey()).originalKey(), UTF_8))),
                        "one prompt of " + key + " at a time");
                startedPerKey.computeIfAbsent(key, k -> new ArrayList<>()).add(store.get(item.storeKey()).source().offset());
                atGemini.push(item);
                started++;
            }
            assertFalse(atGemini.isEmpty(), "a prompt is in progress, or every prompt started");
            // The newest call answers first: order must come from the backlog, not from Gemini.
            BundleItem answered = atGemini.pop();
            store.delete(answered.storeKey());
            ordered.released(answered, 0L);
            ordered.refill(0);
        }
        assertEquals(Map.of("key-0", List.of(0L, 3L, 6L, 9L, 12L), "key-1", List.of(1L, 4L, 7L, 10L, 13L),
                "key-2", List.of(2L, 5L, 8L, 11L, 14L)), startedPerKey);
    }

    @Test
    void shouldSortStoreKeysByOffset() {
        String nine = PendingStore.keyOf(new SourceCoordinates("prompts", 0, 9, 0));
        String ten = PendingStore.keyOf(new SourceCoordinates("prompts", 0, 10, 0));
        assertTrue(nine.compareTo(ten) < 0, nine + " before " + ten);
    }

    @Test
    void shouldReadAPromptStoredBehindTheCursorWhileSpilled() {
        List<String> offered = new ArrayList<>();
        for (long offset = 10; offset < 10 + MEMORY_LIMIT + 1; offset++) {
            PendingPrompt prompt = generate(offset);
            backlog.offer(stored(prompt), prompt, 0);
            offered.add(prompt.request().prompt());
        }
        assertTrue(backlog.spilled(), "the cursor is at offset 14");
        // A key that sorts before the cursor (an older offset, or an older key format) arrives while spilled.
        PendingPrompt behind = generate(1);
        backlog.offer(stored(behind), behind, 0);
        offered.add(behind.request().prompt());
        List<String> sent = new ArrayList<>();
        do {
            Bundle batch;
            while ((batch = backlog.pollReady()) != null) {
                batch.items().forEach(item -> {
                    sent.add(item.text());
                    store.delete(item.storeKey());
                    backlog.released(item, 0L);
                });
            }
        } while (backlog.refill(0));
        assertEquals(offered.stream().sorted().toList(), sent.stream().sorted().toList(), "each once, none left behind");
        assertFalse(backlog.spilled());
    }

    @Test
    void shouldKeyAHandoverEntryByStoreKeyAndTaskAndCountOnlyAnAnswerAsAnswered() {
        assertEquals("prompts-0-7|embed", HandoverEntry.key("prompts-0-7", Task.EMBED));
        assertFalse(HandoverEntry.open(1_000).answered());
        assertFalse(new HandoverEntry(false, 0, "m", null, null, 1, 1, null).answered(), "a closed entry without an answer");
        assertTrue(HandoverEntry.embedded("m", new float[] {1f}, 1, 1).answered());
    }

    @Test
    void shouldSpillOnlyOnceMemoryIsFull() {
        for (long offset = 0; offset < MEMORY_LIMIT; offset++) {
            PendingPrompt prompt = generate(offset);
            backlog.offer(stored(prompt), prompt, 0);
        }
        assertEquals(MEMORY_LIMIT, backlog.inMemory());
        assertFalse(backlog.spilled());
        assertFalse(backlog.refill(0), "nothing to read back");
        PendingPrompt fifth = generate(MEMORY_LIMIT);
        backlog.offer(stored(fifth), fifth, 0);
        assertEquals(MEMORY_LIMIT, backlog.inMemory());
        assertTrue(backlog.spilled());
        assertFalse(backlog.refill(0), "no room while memory is full");
        assertTrue(backlog.spilled());
        backlog.pollReady();
        assertTrue(backlog.refill(0));
        assertEquals(MEMORY_LIMIT, backlog.inMemory());
        assertFalse(backlog.spilled());
    }

    @Test
    void shouldReadStoredPromptsBackOnlyUpToTheLimitAndResumeWhereItStopped() {
        backlog.resumeStored();
        for (long offset = 0; offset < MEMORY_LIMIT + 2; offset++) {
            stored(generate(offset));
        }
        assertTrue(backlog.refill(0));
        assertEquals(MEMORY_LIMIT, backlog.inMemory());
        assertTrue(backlog.spilled(), "two are still in the store only");
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            texts.add(backlog.pollReady().items().get(0).text());
        }
        assertTrue(backlog.refill(0));
        assertFalse(backlog.spilled());
        Bundle batch;
        while ((batch = backlog.pollReady()) != null) {
            texts.add(batch.items().get(0).text());
        }
        assertEquals(List.of("prompt 0", "prompt 1", "prompt 2", "prompt 3", "prompt 4", "prompt 5"), texts);
        assertFalse(backlog.refill(0), "nothing left to read");
    }

    @Test
    void shouldKeepAPromptHeldUntilEachOfItsTasksIsReleased() {
        backlog.resumeStored();
        stored(both(0));
        assertTrue(backlog.refill(0));
        Bundle generate = backlog.pollReady();
        assertEquals(Task.GENERATE, generate.key().task());
        assertEquals(1, backlog.inMemory(), "the embed item fills its batch");
        backlog.released(generate.items().get(0), 0L);
        backlog.resumeStored();
        assertFalse(backlog.refill(0), "its embed task is still held: not read again");
        assertEquals(1, backlog.inMemory());
        Bundle embed = backlog.pollDue(Long.MAX_VALUE, false);
        backlog.released(embed.items().get(0), 0L);
        backlog.resumeStored();
        assertTrue(backlog.refill(0), "released: a new incarnation's read would bring it back");
        assertEquals(2, backlog.inMemory());
    }

    @Test
    void shouldBatchEachTaskWithItsConfiguredModelUnlessThePromptNamesOne() {
        PendingPrompt plain = both(0);
        backlog.offer(stored(plain), plain, 0);
        PromptRequest named = new PromptRequest("p1", "named", Set.of(Task.EMBED), "my-model", null, null, null, null);
        PendingPrompt withModel = PendingPrompt.received(named, new SourceCoordinates("prompts", 0, 1, 0),
                null, "named".getBytes(UTF_8));
        backlog.offer(stored(withModel), withModel, 0);
        assertEquals(new TaskModel(Task.GENERATE, gemini.generateModel()), backlog.pollReady().key());
        List<TaskModel> embedKeys = new ArrayList<>();
        Bundle due;
        while ((due = backlog.pollDue(Long.MAX_VALUE, false)) != null) {
            embedKeys.add(due.key());
        }
        assertEquals(List.of(new TaskModel(Task.EMBED, gemini.embedModel()), new TaskModel(Task.EMBED, "my-model")),
                embedKeys);
    }

    @Test
    void shouldHandOverAnAnswerThePreviousOwnerReceivedInsteadOfBatchingIt() {
        backlog.resumeStored();
        String key = stored(generate(0));
        HandoverEntry answer = HandoverEntry.generated("m", new GenerateResult("hi", "STOP", null, null,
                new TokenUsage(1, 1, 0, 2), "m"), 1, Map.of(), 5);
        handover.put(HandoverEntry.key(key, Task.GENERATE), answer);
        backlog.refill(0);
        assertEquals(0, backlog.readyCount(), "not sent again");
        List<DispatchBacklog.HandedOver> taken = backlog.takeHandedOver();
        assertEquals(1, taken.size());
        assertEquals(answer, taken.get(0).answer());
        assertEquals(Task.GENERATE, taken.get(0).task());
        assertTrue(taken.get(0).item().handedOver());
        assertEquals(List.of(), backlog.takeHandedOver(), "taken once");
        backlog.resumeStored();
        assertFalse(backlog.refill(0), "held until released");
    }

    @Test
    void shouldWaitForACallThePreviousOwnerHasOpenUntilItsAnswerComes() {
        backlog.resumeStored();
        String key = stored(generate(0));
        String handoverKey = HandoverEntry.key(key, Task.GENERATE);
        handover.put(handoverKey, HandoverEntry.open(1_000));
        backlog.refill(0);
        assertEquals(1, backlog.waitingForHandover());
        assertEquals(0, backlog.readyCount());
        backlog.recheckHandover(999);
        assertEquals(1, backlog.waitingForHandover(), "still open, and its time is not up");
        assertEquals(0, backlog.readyCount());
        HandoverEntry answer = HandoverEntry.generated("m", new GenerateResult("hi", "STOP", null, null,
                new TokenUsage(1, 1, 0, 2), "m"), 1, Map.of(), 5);
        handover.put(handoverKey, answer);
        backlog.recheckHandover(999);
        assertEquals(0, backlog.waitingForHandover());
        assertEquals(0, backlog.readyCount());
        assertEquals(answer, backlog.takeHandedOver().get(0).answer());
    }

    @Test
    void shouldBatchAnItemWhoseOpenCallTimesOut() {
        backlog.resumeStored();
        String key = stored(generate(0));
        handover.put(HandoverEntry.key(key, Task.GENERATE), HandoverEntry.open(1_000));
        backlog.refill(0);
        backlog.recheckHandover(1_000);
        assertEquals(0, backlog.waitingForHandover());
        assertEquals(1, backlog.readyCount(), "its time is up: sent again");
        assertTrue(backlog.pollReady().items().get(0).handedOver());
        assertEquals(List.of(), backlog.takeHandedOver());
    }

    @Test
    void shouldBatchAnItemWhoseHandoverEntryWasDeleted() {
        backlog.resumeStored();
        String key = stored(generate(0));
        handover.put(HandoverEntry.key(key, Task.GENERATE), HandoverEntry.open(1_000));
        backlog.refill(0);
        handover.remove(HandoverEntry.key(key, Task.GENERATE));
        backlog.recheckHandover(10);
        assertEquals(0, backlog.waitingForHandover());
        assertEquals(1, backlog.readyCount(), "no answer will come (tombstone): sent again");
    }

    @Test
    void shouldWaitNoLongerThanARequestTimeoutWhateverThePreviousOwnersClockSaid() {
        backlog.resumeStored();
        String key = stored(generate(0));
        handover.put(HandoverEntry.key(key, Task.GENERATE), HandoverEntry.open(10 * LONGEST_WAIT));
        backlog.refill(100);
        backlog.recheckHandover(100 + LONGEST_WAIT - 1);
        assertEquals(1, backlog.waitingForHandover());
        backlog.recheckHandover(100 + LONGEST_WAIT);
        assertEquals(0, backlog.waitingForHandover());
        assertEquals(1, backlog.readyCount());
    }

    @Test
    void shouldNotWaitForACallWhoseTimeIsAlreadyUp() {
        backlog.resumeStored();
        String key = stored(generate(0));
        handover.put(HandoverEntry.key(key, Task.GENERATE), HandoverEntry.open(500));
        backlog.refill(500);
        assertEquals(0, backlog.waitingForHandover());
        assertEquals(1, backlog.readyCount());
    }

    @Test
    void shouldIgnoreHandoverEntriesForAPromptJustRead() {
        PendingPrompt prompt = generate(0);
        String key = PendingStore.keyOf(prompt.source());
        handover.put(HandoverEntry.key(key, Task.GENERATE), HandoverEntry.open(1_000));
        store.put(key, prompt);
        backlog.offer(key, prompt, 0);
        assertEquals(0, backlog.waitingForHandover(), "only a prompt read back from the store may have been sent before");
        assertFalse(backlog.pollReady().items().get(0).handedOver());
    }

    /** Stores {@code prompt} under its key, as the processor does; returns the key. */
    private String stored(PendingPrompt prompt) {
        String key = PendingStore.keyOf(prompt.source());
        store.put(key, prompt);
        return key;
    }

    private static PendingPrompt both(long offset) {
        String text = "prompt " + offset;
        PromptRequest request = new PromptRequest("p" + offset, text, Set.of(Task.GENERATE, Task.EMBED), null, null,
                null, null, null);
        return PendingPrompt.received(request, new SourceCoordinates("prompts", 0, offset, 0),
                text.getBytes(UTF_8), text.getBytes(UTF_8));
    }

    private static PendingPrompt keyed(long offset, String recordKey) {
        String text = "prompt " + offset;
        PromptRequest request = new PromptRequest("p" + offset, text, Set.of(Task.GENERATE), null, null, null, null, null);
        return PendingPrompt.received(request, new SourceCoordinates("prompts", 0, offset, 0),
                recordKey.getBytes(UTF_8), text.getBytes(UTF_8));
    }

    private static PendingPrompt generate(long offset) {
        String text = "prompt " + offset;
        PromptRequest request = new PromptRequest("p" + offset, text, Set.of(Task.GENERATE), null, null, null, null, null);
        return PendingPrompt.received(request, new SourceCoordinates("prompts", 0, offset, 0),
                text.getBytes(UTF_8), text.getBytes(UTF_8));
    }
}

package io.github.geministreams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig.BatchSettings;
import io.github.geministreams.config.BatchPolicy;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OpenBatchesTest {
    private static final BatchKey EMBED = new BatchKey(Task.EMBED, "e");
    private static final BatchKey GENERATE = new BatchKey(Task.GENERATE, "g");
    private static final long FRESH = 0;
    private static final long FROM_BACKLOG = 60_000;

    private static OpenBatches batches(BatchPolicy policy) {
        return new OpenBatches(new BatchSettings(3, Duration.ofMillis(100), policy));
    }

    private static BatchItem item(int n) {
        return new BatchItem("k" + n, new PromptRequest("k" + n, "text " + n, Set.of(Task.EMBED), null, null, null, null, null));
    }

    private static List<String> keys(Batch batch) {
        return batch.items().stream().map(BatchItem::storeKey).toList();
    }

    @Test
    void shouldForgetTheArrivalsOfModelsNotSeenForAMinuteSoThatAnyModelNameCostsNoMemoryForGood() {
        OpenBatches batches = batches(BatchPolicy.ADAPTIVE);
        for (int n = 0; n < 200; n++) {
            batches.add(new BatchKey(Task.EMBED, "model-" + n), item(n), 0, FRESH);
        }
        assertEquals(200, batches.keysTracked(), "every key seen within the minute is kept");
        while (batches.pollDue(1_000, false) != null) {
            // flush every partial batch
        }
        assertEquals(0, batches.size());
        batches.add(new BatchKey(Task.EMBED, "model-new"), item(999), 61_000, FRESH);
        assertEquals(1, batches.keysTracked(), "the 200 idle keys are dropped");
    }

    @Test
    void shouldMakeAnEmbedBatchReadyWhenItReachesItsSize() {
        OpenBatches batches = batches(BatchPolicy.FIXED);
        batches.add(EMBED, item(1), 0, FRESH);
        batches.add(EMBED, item(2), 0, FRESH);
        assertEquals(0, batches.readyCount());
        batches.add(EMBED, item(3), 0, FRESH);
        assertEquals(1, batches.readyCount());
        assertEquals(List.of("k1", "k2", "k3"), keys(batches.pollReady()));
        assertEquals(0, batches.size());
    }

    @Test
    void shouldMakeABatchReadyAtTheLargestSizeTheQuotaShareAllowsNow() {
        int[] largest = {2};
        OpenBatches batches = new OpenBatches(new BatchSettings(3, Duration.ofMillis(100), BatchPolicy.FIXED),
                () -> largest[0]);
        batches.add(EMBED, item(1), 0, FRESH);
        batches.add(EMBED, item(2), 0, FRESH);
        assertEquals(List.of("k1", "k2"), keys(batches.pollReady()), "a share of 200 requests a minute: batches of 2");
        largest[0] = 3;
        batches.add(EMBED, item(3), 0, FRESH);
        batches.add(EMBED, item(4), 0, FRESH);
        assertEquals(0, batches.readyCount(), "the share grew: the batch fills to 3 again");
        batches.add(EMBED, item(5), 0, FRESH);
        assertEquals(List.of("k3", "k4", "k5"), keys(batches.pollReady()));
    }

    @Test
    void shouldMakeEachGeneratePromptARequestOfItsOwnAtOnce() {
        OpenBatches batches = batches(BatchPolicy.FIXED);
        batches.add(GENERATE, item(1), 0, FRESH);
        batches.add(GENERATE, item(2), 0, FRESH);
        assertEquals(2, batches.readyCount());
        assertEquals(List.of("k1"), keys(batches.pollReady()));
        assertEquals(List.of("k2"), keys(batches.pollReady()));
    }

    @Test
    void shouldHoldAPartialBatchUntilItsOldestItemHasWaitedMaxWaitWithTheFixedPolicy() {
        OpenBatches batches = batches(BatchPolicy.FIXED);
        batches.add(EMBED, item(1), 1_000, FRESH);
        batches.add(EMBED, item(2), 1_050, FRESH);
        assertFalse(batches.hasDue(1_099, false));
        assertNull(batches.pollDue(1_099, false));
        assertTrue(batches.hasDue(1_100, false));
        assertEquals(List.of("k1", "k2"), keys(batches.pollDue(1_100, false)));
        assertEquals(0, batches.size());
    }

    @Test
    void shouldSendASparseItemAtOnceWithTheAdaptivePolicy() {
        OpenBatches batches = batches(BatchPolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FRESH);
        assertTrue(batches.hasDue(1_000, false), "nothing says a second item will come soon");
        assertEquals(List.of("k1"), keys(batches.pollDue(1_000, false)));

        batches.add(EMBED, item(2), 1_500, FRESH);
        assertTrue(batches.hasDue(1_500, false), "one item every 500 ms cannot fill a batch of 3 within 100 ms");
    }

    @Test
    void shouldWaitForABatchThatArrivalsWillFillBeforeItsDeadline() {
        OpenBatches batches = batches(BatchPolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FRESH);
        batches.add(EMBED, item(2), 1_010, FRESH);
        assertFalse(batches.hasDue(1_010, false), "at one item per 10 ms the third comes well within max.wait");
        assertTrue(batches.hasDue(1_110, false), "max.wait still bounds the wait");
    }

    @Test
    void shouldFillBatchesOfABacklogUntilMaxWaitWithTheAdaptivePolicy() {
        OpenBatches batches = batches(BatchPolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FROM_BACKLOG);
        assertFalse(batches.hasDue(1_000, false));
        batches.add(EMBED, item(2), 1_060, FROM_BACKLOG);
        assertFalse(batches.hasDue(1_099, false));
        assertEquals(List.of("k1", "k2"), keys(batches.pollDue(1_100, false)));
    }

    @Test
    void shouldLetAPartialBatchFillTenTimesMaxWaitWhileRequestsQueueForTheQuota() {
        OpenBatches batches = batches(BatchPolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FRESH);
        assertFalse(batches.hasDue(1_000, true), "a sparse item would go at once, but the quota is the bottleneck");
        assertFalse(batches.hasDue(1_999, true), "nor at max.wait");
        assertTrue(batches.hasDue(2_000, true), "10 x max.wait bounds the wait");
        assertEquals(List.of("k1"), keys(batches.pollDue(2_000, true)));
    }

    @Test
    void shouldNeverMixModelsInOneBatch() {
        OpenBatches batches = batches(BatchPolicy.FIXED);
        BatchKey otherModel = new BatchKey(Task.EMBED, "other");
        batches.add(EMBED, item(1), 0, FRESH);
        batches.add(otherModel, item(2), 0, FRESH);
        batches.add(EMBED, item(3), 0, FRESH);
        assertEquals(0, batches.readyCount());
        assertEquals(List.of("k1", "k3"), keys(batches.pollDue(100, false)));
        assertEquals(List.of("k2"), keys(batches.pollDue(100, false)));
        assertNull(batches.pollDue(100, false));
    }

    @Test
    void shouldPutRetriedHalvesBeforeEveryOtherReadyRequestInOrder() {
        OpenBatches batches = batches(BatchPolicy.FIXED);
        batches.add(GENERATE, item(9), 0, FRESH);
        Batch rejected = new Batch(EMBED, List.of(item(1), item(2), item(3)));
        batches.retryFirst(rejected.split());
        assertEquals(List.of("k1"), keys(batches.pollReady()));
        assertEquals(List.of("k2", "k3"), keys(batches.pollReady()));
        assertEquals(List.of("k9"), keys(batches.pollReady()));
    }

    @Test
    void shouldSplitABatchIntoHalvesThatKeepEveryItemOnce() {
        Batch batch = new Batch(EMBED, List.of(item(1), item(2), item(3), item(4), item(5)));
        List<Batch> halves = batch.split();
        assertEquals(2, halves.get(0).items().size());
        assertEquals(3, halves.get(1).items().size());
        assertEquals(batch.items(), java.util.stream.Stream.concat(halves.get(0).items().stream(),
                halves.get(1).items().stream()).toList());
    }
}

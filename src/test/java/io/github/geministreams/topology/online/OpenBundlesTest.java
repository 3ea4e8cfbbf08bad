package io.github.geministreams.topology.online;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.EmbedBundlePolicy;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class OpenBundlesTest {
    private static final TaskModel EMBED = new TaskModel(Task.EMBED, "e");
    private static final TaskModel GENERATE = new TaskModel(Task.GENERATE, "g");
    private static final long FRESH = 0;
    private static final long FROM_BACKLOG = 60_000;

    private static OpenBundles batches(EmbedBundlePolicy policy) {
        return new OpenBundles(new AppConfig.EmbedBundleSettings(3, Duration.ofMillis(100), policy));
    }

    private static BundleItem item(int n) {
        return new BundleItem("k" + n, new PromptRequest("k" + n, "text " + n, Set.of(Task.EMBED), null, null, null, null, null));
    }

    private static List<String> keys(Bundle batch) {
        return batch.items().stream().map(BundleItem::storeKey).toList();
    }

    @Test
    void shouldForgetTheArrivalsOfModelsNotSeenForAMinuteSoThatAnyModelNameCostsNoMemoryForGood() {
        OpenBundles batches = batches(EmbedBundlePolicy.ADAPTIVE);
        for (int n = 0; n < 200; n++) {
            batches.add(new TaskModel(Task.EMBED, "model-" + n), item(n), 0, FRESH);
        }
        assertEquals(200, batches.keysTracked(), "every key seen within the minute is kept");
        while (batches.pollDue(1_000, false) != null) {
            // flush every partial batch
        }
        assertEquals(0, batches.size());
        batches.add(new TaskModel(Task.EMBED, "model-new"), item(999), 61_000, FRESH);
        assertEquals(1, batches.keysTracked(), "the 200 idle keys are dropped");
    }

    @Test
    void shouldMakeAnEmbedBatchReadyWhenItReachesItsSize() {
        OpenBundles batches = batches(EmbedBundlePolicy.FIXED);
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
        OpenBundles batches = new OpenBundles(new AppConfig.EmbedBundleSettings(3, Duration.ofMillis(100), EmbedBundlePolicy.FIXED),
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
        OpenBundles batches = batches(EmbedBundlePolicy.FIXED);
        batches.add(GENERATE, item(1), 0, FRESH);
        batches.add(GENERATE, item(2), 0, FRESH);
        assertEquals(2, batches.readyCount());
        assertEquals(List.of("k1"), keys(batches.pollReady()));
        assertEquals(List.of("k2"), keys(batches.pollReady()));
    }

    @Test
    void shouldHoldAPartialBatchUntilItsOldestItemHasWaitedMaxWaitWithTheFixedPolicy() {
        OpenBundles batches = batches(EmbedBundlePolicy.FIXED);
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
        OpenBundles batches = batches(EmbedBundlePolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FRESH);
        assertTrue(batches.hasDue(1_000, false), "nothing says a second item will come soon");
        assertEquals(List.of("k1"), keys(batches.pollDue(1_000, false)));

        batches.add(EMBED, item(2), 1_500, FRESH);
        assertTrue(batches.hasDue(1_500, false), "one item every 500 ms cannot fill a batch of 3 within 100 ms");
    }

    @Test
    void shouldWaitForABatchThatArrivalsWillFillBeforeItsDeadline() {
        OpenBundles batches = batches(EmbedBundlePolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FRESH);
        batches.add(EMBED, item(2), 1_010, FRESH);
        assertFalse(batches.hasDue(1_010, false), "at one item per 10 ms the third comes well within max.wait");
        assertTrue(batches.hasDue(1_110, false), "max.wait still bounds the wait");
    }

    @Test
    void shouldFillBatchesOfABacklogUntilMaxWaitWithTheAdaptivePolicy() {
        OpenBundles batches = batches(EmbedBundlePolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FROM_BACKLOG);
        assertFalse(batches.hasDue(1_000, false));
        batches.add(EMBED, item(2), 1_060, FROM_BACKLOG);
        assertFalse(batches.hasDue(1_099, false));
        assertEquals(List.of("k1", "k2"), keys(batches.pollDue(1_100, false)));
    }

    @Test
    void shouldLetAPartialBatchFillTenTimesMaxWaitWhileRequestsQueueForTheQuota() {
        OpenBundles batches = batches(EmbedBundlePolicy.ADAPTIVE);
        batches.add(EMBED, item(1), 1_000, FRESH);
        assertFalse(batches.hasDue(1_000, true), "a sparse item would go at once, but the quota is the bottleneck");
        assertFalse(batches.hasDue(1_999, true), "nor at max.wait");
        assertTrue(batches.hasDue(2_000, true), "10 x max.wait bounds the wait");
        assertEquals(List.of("k1"), keys(batches.pollDue(2_000, true)));
    }

    @Test
    void shouldNeverMixModelsInOneBatch() {
        OpenBundles batches = batches(EmbedBundlePolicy.FIXED);
        TaskModel otherModel = new TaskModel(Task.EMBED, "other");
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
        OpenBundles batches = batches(EmbedBundlePolicy.FIXED);
        batches.add(GENERATE, item(9), 0, FRESH);
        Bundle rejected = new Bundle(EMBED, List.of(item(1), item(2), item(3)));
        batches.retryFirst(rejected.split());
        assertEquals(List.of("k1"), keys(batches.pollReady()));
        assertEquals(List.of("k2", "k3"), keys(batches.pollReady()));
        assertEquals(List.of("k9"), keys(batches.pollReady()));
    }

    @Test
    void shouldSplitABatchIntoHalvesThatKeepEveryItemOnce() {
        Bundle batch = new Bundle(EMBED, List.of(item(1), item(2), item(3), item(4), item(5)));
        List<Bundle> halves = batch.split();
        assertEquals(2, halves.get(0).items().size());
        assertEquals(3, halves.get(1).items().size());
        assertEquals(batch.items(), Stream.concat(halves.get(0).items().stream(),
                halves.get(1).items().stream()).toList());
    }
}

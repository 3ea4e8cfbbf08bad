package io.github.geministreams.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig.BatchSettings;
import io.github.geministreams.model.Task;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenBatchesTest {
    private static final BatchKey EMBED = new BatchKey(Task.EMBED, "e");
    private static final BatchKey GENERATE = new BatchKey(Task.GENERATE, "g");
    private final OpenBatches batches = new OpenBatches(task -> task == Task.EMBED
            ? new BatchSettings(3, Duration.ofMillis(100))
            : new BatchSettings(2, Duration.ofMillis(10)));

    private static BatchItem item(int n) {
        return new BatchItem("k" + n, "text " + n, null);
    }

    @Test
    void shouldCloseABatchWhenItReachesItsSize() {
        assertNull(batches.add(EMBED, item(1), 0));
        assertNull(batches.add(EMBED, item(2), 0));
        Batch full = batches.add(EMBED, item(3), 0);
        assertNotNull(full);
        assertEquals(List.of("k1", "k2", "k3"), full.items().stream().map(BatchItem::storeKey).toList());
        assertEquals(0, batches.size());
    }

    @Test
    void shouldKeepAPartialBatchUntilItsOldestItemHasWaitedMaxWait() {
        batches.add(EMBED, item(1), 1_000);
        batches.add(EMBED, item(2), 1_050);
        assertTrue(batches.takeDue(1_099).isEmpty());
        List<Batch> due = batches.takeDue(1_100);
        assertEquals(1, due.size());
        assertEquals(2, due.get(0).items().size());
    }

    @Test
    void shouldUseEachTasksOwnDeadline() {
        batches.add(EMBED, item(1), 0);
        batches.add(GENERATE, item(2), 0);
        List<Batch> due = batches.takeDue(10);
        assertEquals(1, due.size());
        assertEquals(GENERATE, due.get(0).key());
        assertEquals(1, batches.size());
    }

    @Test
    void shouldNeverMixModelsInOneBatch() {
        BatchKey otherModel = new BatchKey(Task.EMBED, "other");
        batches.add(EMBED, item(1), 0);
        batches.add(otherModel, item(2), 0);
        assertNull(batches.add(EMBED, item(3), 0));
        assertEquals(2, batches.takeDue(100).size());
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

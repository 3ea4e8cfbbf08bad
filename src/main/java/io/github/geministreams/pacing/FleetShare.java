package io.github.geministreams.pacing;

/**
 * The share of the Gemini project's quota this instance may use: the share of the prompts
 * partitions whose batching tasks it runs now. Instances together stay under the quota with
 * no coordination beyond Kafka's own assignment.
 *
 * <p>It follows the task lifecycle: each task opened adds a partition, each closed removes
 * one, whenever Kafka Streams opens or closes them (not only when the whole instance reaches
 * RUNNING). An instance with no partition claims none. Until {@link #promptPartitions} is
 * known (a topology run without {@code StreamsApplication}, as in the topology tests) the
 * whole quota is this instance's.
 *
 * <p>Thread-safe: tasks open and close on stream threads.
 */
final class FleetShare {
    private int partitions;
    private int owned;

    /**
     * The prompts topic has {@code total} partitions.
     *
     * @return the share gained (positive) or lost (negative)
     */
    public synchronized double promptPartitions(int total) {
        return changeTo(owned, total);
    }

    /** A batching task (one prompts partition) opened here; returns the share gained. */
    public synchronized double taskOpened() {
        return changeTo(owned + 1, partitions);
    }

    /** A batching task closed here; returns the share gained (negative: lost). */
    public synchronized double taskClosed() {
        return changeTo(Math.max(0, owned - 1), partitions);
    }

    /** The fraction of the project's quota this instance may use. */
    public synchronized double fraction() {
        return partitions <= 0 ? 1 : Math.min(owned, partitions) / (double) partitions;
    }

    /** Partitions owned now, of the prompts topic's total. */
    public synchronized String describe() {
        return partitions <= 0 ? "all (partitions not known)" : owned + "/" + partitions + " partitions";
    }

    private double changeTo(int newOwned, int newPartitions) {
        double before = fraction();
        owned = newOwned;
        partitions = newPartitions;
        return fraction() - before;
    }
}

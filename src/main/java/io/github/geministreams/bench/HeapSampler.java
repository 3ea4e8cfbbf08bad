package io.github.geministreams.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The highest heap use of this JVM while it runs, sampled every 20 ms. The benchmark runs
 * the broker, the simulator and the subject in one JVM, so this is all of theirs together.
 */
final class HeapSampler implements AutoCloseable {
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "bench-heap-sampler");
        thread.setDaemon(true);
        return thread;
    });

    /** Collects garbage first, so each row starts from the same floor, then samples. */
    static HeapSampler start() {
        System.gc();
        HeapSampler heap = new HeapSampler();
        heap.sampler.scheduleAtFixedRate(heap::sample, 0, 20, TimeUnit.MILLISECONDS);
        return heap;
    }

    private void sample() {
        peak.accumulateAndGet(MEMORY.getHeapMemoryUsage().getUsed(), Math::max);
    }

    long peakBytes() {
        sample();
        return peak.get();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}

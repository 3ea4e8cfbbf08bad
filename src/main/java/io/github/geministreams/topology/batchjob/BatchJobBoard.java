package io.github.geministreams.topology.batchjob;

import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.metrics.PipelineMetrics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The batch-mode figures of one instance: each task's {@link BatchJobActivity} reports its own,
 * and the gauges add them up. Thread-safe: tasks report from their stream threads, the
 * metrics registry reads from its own.
 */
public final class BatchJobBoard {
    private final PipelineMetrics metrics;
    private final Map<BatchJobActivity, Figures> figures = new ConcurrentHashMap<>();

    private record Figures(int waiting, int running, long oldestMillis) {
    }

    public BatchJobBoard(PipelineMetrics metrics) {
        this.metrics = metrics;
        metrics.trackBatchMode(() -> figures.values().stream().mapToInt(Figures::waiting).sum(),
                () -> figures.values().stream().mapToInt(Figures::running).sum(),
                () -> oldestWaitingSeconds(System.currentTimeMillis()));
    }

    /** The reporter of one task incarnation. */
    public BatchJobActivity activity() {
        return new BatchJobActivity(this);
    }

    void report(BatchJobActivity activity, int waiting, int running, long oldestMillis) {
        figures.put(activity, new Figures(waiting, running, oldestMillis));
    }

    void remove(BatchJobActivity activity) {
        figures.remove(activity);
    }

    void created() {
        metrics.batchJobCreated();
    }

    void finished(BatchJobState state) {
        metrics.batchJobFinished(state.name());
    }

    private double oldestWaitingSeconds(long nowMillis) {
        long oldest = figures.values().stream().mapToLong(Figures::oldestMillis).min().orElse(Long.MAX_VALUE);
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }
}

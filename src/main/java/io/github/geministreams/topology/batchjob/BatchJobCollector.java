package io.github.geministreams.topology.batchjob;

import io.github.geministreams.topology.online.TaskModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch-mode prompts of one task that are in no job yet, per task and model: a job is cut
 * when it holds {@code maxPrompts} prompts or {@code maxBytes} of content, or when its oldest
 * prompt has waited {@code maxWaitMillis}. In memory only: after a crash the prompts are found
 * again in the pending store, as prompts in no committed job.
 *
 * <p>Not thread-safe: one task incarnation's stream thread.
 */
final class BatchJobCollector {
    private final int maxPrompts;
    private final long maxBytes;
    private final long maxWaitMillis;
    private final Map<TaskModel, List<Waiting>> collecting = new LinkedHashMap<>();

    /** A prompt that waits for its job: its pending-store key, when it came, and its size. */
    private record Waiting(String storeKey, long sinceMillis, long bytes) {
    }

    /** The prompts of one job to be, in arrival order. */
    record Cut(TaskModel key, List<String> storeKeys) {
    }

    BatchJobCollector(int maxPrompts, long maxBytes, long maxWaitMillis) {
        this.maxPrompts = maxPrompts;
        this.maxBytes = maxBytes;
        this.maxWaitMillis = maxWaitMillis;
    }

    void add(TaskModel key, String storeKey, long bytes, long nowMillis) {
        collecting.computeIfAbsent(key, k -> new ArrayList<>()).add(new Waiting(storeKey, nowMillis, bytes));
    }

    /** Removes and returns the jobs that are full, or whose oldest prompt has waited long enough. */
    List<Cut> cutDue(long nowMillis) {
        List<Cut> cuts = new ArrayList<>();
        for (Iterator<Map.Entry<TaskModel, List<Waiting>>> it = collecting.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TaskModel, List<Waiting>> entry = it.next();
            List<Waiting> waiting = entry.getValue();
            while (!waiting.isEmpty()) {
                int size = fullPrefix(waiting);
                boolean due = nowMillis - waiting.get(0).sinceMillis() >= maxWaitMillis;
                if (size == 0 && !due) {
                    break;
                }
                int take = size == 0 ? waiting.size() : size;
                List<Waiting> taken = waiting.subList(0, take);
                cuts.add(new Cut(entry.getKey(), taken.stream().map(Waiting::storeKey).toList()));
                taken.clear();
            }
            if (waiting.isEmpty()) {
                it.remove();
            }
        }
        return cuts;
    }

    /** Prompts collected and in no job yet. */
    int size() {
        return collecting.values().stream().mapToInt(List::size).sum();
    }

    /** When the oldest collected prompt came, or {@link Long#MAX_VALUE} when none waits. */
    long oldestMillis() {
        return collecting.values().stream().mapToLong(list -> list.get(0).sinceMillis()).min().orElse(Long.MAX_VALUE);
    }

    /** The length of the first full job in {@code waiting}: by count or by bytes; 0 when it is not full yet. */
    private int fullPrefix(List<Waiting> waiting) {
        long bytes = 0;
        for (int i = 0; i < waiting.size(); i++) {
            bytes += waiting.get(i).bytes();
            if (i > 0 && bytes > maxBytes) {
                return i;
            }
            if (i + 1 == maxPrompts) {
                return maxPrompts;
            }
        }
        return 0;
    }
}

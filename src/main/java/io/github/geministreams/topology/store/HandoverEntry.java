package io.github.geministreams.topology.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.model.Task;
import java.util.Map;

/**
 * The value of a handover record (key: {@link #key}): what a task's previous owner knows
 * about one item's Gemini call after the task moved away. Either the call is still open and
 * its answer may come until {@code untilMillis}, or the answer came: a generated result or an
 * embedding vector. A tombstone (no value) says that no answer will come.
 *
 * <p>It is also the form an answer takes per item on this instance
 * (the completion's item answers), so that an answer is forwarded the same way whether it
 * came back to the task that sent it or was handed over to the next owner.
 *
 * @param untilMillis while {@code open}: wall-clock time after which the next owner stops waiting
 * @param generated   the answer of a generate call, or null
 * @param vector      the embedding of one text of an embed bundle, or null
 * @param attemptsByModel for a generate call that fell back to another model, the attempts each model took
 *                        ({@link io.github.geministreams.gemini.Attempted#attemptsByModel}); else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HandoverEntry(boolean open, long untilMillis, String model, GenerateResult generated, float[] vector,
                            int attempts, long latencyMs, Map<String, Integer> attemptsByModel) {

    /** The key of an item: its pending-store key and task. */
    public static String key(String storeKey, Task task) {
        return storeKey + "|" + task.wireName();
    }

    public static HandoverEntry open(long untilMillis) {
        return new HandoverEntry(true, untilMillis, null, null, null, 0, 0, null);
    }

    public static HandoverEntry generated(String model, GenerateResult result, int attempts,
                                          Map<String, Integer> attemptsByModel, long latencyMs) {
        return new HandoverEntry(false, 0, model, result, null, attempts, latencyMs,
                attemptsByModel.isEmpty() ? null : attemptsByModel);
    }

    public static HandoverEntry embedded(String model, float[] vector, int attempts, long latencyMs) {
        return new HandoverEntry(false, 0, model, null, vector, attempts, latencyMs, null);
    }

    /** True when it carries an answer the next owner can forward. */
    public boolean answered() {
        return !open && (generated != null || vector != null);
    }
}

package io.github.geministreams.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A prompt whose outputs are not all written yet: the value of the pending store.
 * It keeps the original key and value bytes so that a failure can be dead-lettered as the
 * record that came in, the tasks that still owe an output, and whether a task already went
 * to dead-letter ({@code failed}, which decides how the prompt counts in its job).
 *
 * @param costUsd the estimated cost of the outputs already forwarded (those with a price), which
 *                the prompt's job event reports; an entry stored before this field reads as 0
 */
public record PendingPrompt(
        PromptRequest request, SourceCoordinates source, byte[] originalKey, byte[] originalValue,
        Set<Task> remaining, boolean failed, double costUsd) {

    public PendingPrompt {
        remaining = remaining.isEmpty()
                ? Collections.emptySet()
                : Collections.unmodifiableSet(EnumSet.copyOf(remaining));
    }

    /** A prompt that has just been read: every task remains, none failed. */
    public static PendingPrompt received(PromptRequest request, SourceCoordinates source, byte[] key, byte[] value) {
        return new PendingPrompt(request, source, key, value, request.tasks(), false, 0);
    }

    /**
     * This entry without {@code done}: what is stored after that task's output is forwarded.
     *
     * @param outputCostUsd the estimated cost of that output, or null when it has none (a dead
     *                      letter, a model without a price)
     */
    public PendingPrompt without(Task done, boolean deadLettered, Double outputCostUsd) {
        Set<Task> left = remaining.isEmpty() ? EnumSet.noneOf(Task.class) : EnumSet.copyOf(remaining);
        left.remove(done);
        return new PendingPrompt(request, source, originalKey, originalValue, left, failed || deadLettered,
                costUsd + (outputCostUsd == null ? 0 : outputCostUsd));
    }

    /** This entry with another request (the same prompt in another mode): what is stored when a batch job falls back online. */
    public PendingPrompt withRequest(PromptRequest other) {
        return new PendingPrompt(other, source, originalKey, originalValue, remaining, failed, costUsd);
    }
}

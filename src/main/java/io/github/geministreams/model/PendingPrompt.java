package io.github.geministreams.model;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * A prompt whose outputs are not all written yet: the value of the pending store.
 * It keeps the original key and value bytes so that a failure can be dead-lettered as the
 * record that came in, and the tasks that still owe an output.
 */
public record PendingPrompt(
        PromptRequest request, SourceCoordinates source, byte[] originalKey, byte[] originalValue,
        Set<Task> remaining) {

    public PendingPrompt {
        remaining = remaining.isEmpty()
                ? Collections.emptySet()
                : Collections.unmodifiableSet(EnumSet.copyOf(remaining));
    }

    /** This entry without {@code done}: what is stored after that task's output is forwarded. */
    public PendingPrompt without(Task done) {
        Set<Task> left = remaining.isEmpty() ? EnumSet.noneOf(Task.class) : EnumSet.copyOf(remaining);
        left.remove(done);
        return new PendingPrompt(request, source, originalKey, originalValue, left);
    }
}

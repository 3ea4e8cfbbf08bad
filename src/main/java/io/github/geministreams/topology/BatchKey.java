package io.github.geministreams.topology;

import io.github.geministreams.model.Task;

/** Items share a batch only when they share the task and the model. */
record BatchKey(Task task, String model) {
}

package io.github.geministreams.model;

import java.util.Locale;

/** What Gemini is asked to do with a prompt; each task ends in its own output topic. */
public enum Task {
    GENERATE,
    EMBED;

    /** The name used in prompt JSON and in configuration: {@code generate}, {@code embed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; null when it is not a task. */
    public static Task fromWireName(String name) {
        for (Task task : values()) {
            if (task.wireName().equals(name)) {
                return task;
            }
        }
        return null;
    }
}

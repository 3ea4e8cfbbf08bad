package io.github.geministreams.config;

import java.util.Locale;

/** In which order a partition's outputs are written. */
public enum Ordering {
    /** As answers come: a fast answer is not held back by a slow one. */
    NONE,
    /** Outputs of prompts with the same record key in their input order: a prompt waits for the earlier ones of its key. */
    KEY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

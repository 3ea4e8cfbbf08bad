package io.github.geministreams.config;

import java.util.Locale;

/** What happens to the prompts of a Gemini Batch API job that failed, expired or was cancelled. */
public enum BatchFailure {
    /** Each prompt goes to the dead-letter topic with the job's state and error. */
    DEAD_LETTER,
    /** Each prompt is sent again in online mode, at the online price. */
    ONLINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

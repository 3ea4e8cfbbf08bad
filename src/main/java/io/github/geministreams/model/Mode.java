package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a prompt is sent to Gemini: at once, or in a Gemini Batch API job at half the price. */
public enum Mode {
    /** One request per prompt (an embed bundle per up to 100 texts), answered within seconds. */
    ONLINE,
    /** Collected with other prompts into a Batch API job: half the price, answered when the job ends (up to 24 h). */
    BATCH;

    /** The name in prompt JSON, outputs and configuration: {@code online}, {@code batch}. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; null when it is not a mode. */
    @JsonCreator
    public static Mode fromWireName(String name) {
        for (Mode mode : values()) {
            if (mode.wireName().equals(name)) {
                return mode;
            }
        }
        return null;
    }
}

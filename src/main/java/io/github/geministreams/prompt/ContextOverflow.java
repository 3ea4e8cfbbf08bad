package io.github.geministreams.prompt;

import java.util.Locale;

/** What happens to a prompt over its model's input token limit. */
public enum ContextOverflow {
    /** It goes to the dead-letter topic with its token count and the limit. */
    DEAD_LETTER,
    /** Its text is cut to fit the limit, and the output says so. */
    TRUNCATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

package io.github.geministreams.prompt;

/** A prompts file that cannot be read or holds an invalid template, default or schema; the message says what to change. */
public final class InvalidPromptsFileException extends RuntimeException {
    public InvalidPromptsFileException(String message) {
        super(message);
    }
}

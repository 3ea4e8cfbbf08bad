package io.github.geministreams.topics;

/** A topics file (topics.yaml) that cannot be read or declares an unusable topic; the message says what to change. */
public final class InvalidTopicsFileException extends RuntimeException {
    public InvalidTopicsFileException(String message) {
        super(message);
    }
}

package io.github.geministreams.config;

/** A configuration that cannot be used, with a message that says what to change. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    /** A configuration error found by the code that reads a file the configuration names; keeps its message. */
    public ConfigException(RuntimeException cause) {
        super(cause.getMessage(), cause);
    }
}

package io.github.geministreams.config;

/** A configuration that cannot be used, with a message that says what to change. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}

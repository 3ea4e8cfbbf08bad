package io.github.geministreams.prompt;

/**
 * A prompt record that cannot be sent to Gemini. It is never thrown through Kafka Streams:
 * its class name and message become the dead-letter record's KIP-1034 headers.
 */
public final class InvalidPromptException extends RuntimeException {
    public InvalidPromptException(String message) {
        super(message, null, false, false);
    }
}

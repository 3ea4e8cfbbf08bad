package io.github.geministreams.topology.online;

/**
 * A prompt that asked for JSON got an answer that is not JSON, or does not match its schema,
 * on both tries ({@link ValidatedGeneration}). Its message is the reason, written to the
 * dead-letter record (stage {@code validate}).
 */
public final class InvalidAnswerException extends RuntimeException {
    private final int attempts;

    InvalidAnswerException(String reason, int attempts) {
        super(reason, null, false, false);
        this.attempts = attempts;
    }

    /** The HTTP attempts of both calls together. */
    public int attempts() {
        return attempts;
    }
}

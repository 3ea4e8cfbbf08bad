package io.github.geministreams.pacing;

/** A call that failed for good: its last failure and how many attempts were made. */
public final class GeminiCallFailedException extends RuntimeException {
    private final int attempts;

    public GeminiCallFailedException(Throwable failure, int attempts) {
        super("Gemini call failed after " + attempts + " attempt(s): " + failure.getMessage(), failure);
        this.attempts = attempts;
    }

    /** The last failure, usually a {@link GeminiException}. */
    public Throwable failure() {
        return getCause();
    }

    public int attempts() {
        return attempts;
    }
}

package io.github.geministreams.gemini;

import java.util.Collection;

/**
 * Input tokens a call will be charged, estimated before it is sent, so that a
 * tokens-per-minute quota is spent before the call and not found out by a 429.
 *
 * <p>The estimate is about four characters a token (Google's own rule of thumb for English),
 * corrected by what Gemini reports: every answer's {@code usageMetadata.promptTokenCount} moves
 * a correction factor towards the real ratio, so text that tokenizes densely (code, other
 * languages) is estimated higher after a few answers. The SDK's local tokenizer is not used:
 * it downloads its model files at run time, which a locked-down deployment cannot do.
 *
 * <p>Thread-safe.
 */
public final class TokenEstimate {
    private static final double CHARACTERS_PER_TOKEN = 4;
    private static final double WEIGHT = 0.1;
    private static final double MIN_FACTOR = 0.25;
    private static final double MAX_FACTOR = 8;
    private volatile double factor = 1;

    /** The estimate of {@code texts} together (nulls count nothing), at least 1. */
    public long of(Collection<String> texts) {
        long characters = 0;
        for (String text : texts) {
            characters += text == null ? 0 : text.length();
        }
        return Math.max(1, (long) Math.ceil(characters / CHARACTERS_PER_TOKEN * factor));
    }

    /** Learns from an answer: {@code estimated} was charged, Gemini counted {@code actual}. */
    public synchronized void observe(long estimated, long actual) {
        if (estimated <= 0 || actual <= 0) {
            return;
        }
        double ratio = factor * actual / estimated;
        factor = Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, (1 - WEIGHT) * factor + WEIGHT * ratio));
    }
}

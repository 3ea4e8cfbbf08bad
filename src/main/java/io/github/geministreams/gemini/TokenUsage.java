package io.github.geministreams.gemini;

/** Token counts Gemini reports for one generate call. */
public record TokenUsage(int promptTokens, int outputTokens, int thoughtsTokens, int totalTokens) {
    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0);
}

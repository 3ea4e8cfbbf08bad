package io.github.geministreams.gemini;

/**
 * The answer to one generate call. A prompt blocked for safety is an answer too: no text,
 * and a {@code blockReason} such as {@code SAFETY}.
 *
 * @param text the generated text; null when blocked or empty
 * @param finishReason the first candidate's finish reason (e.g. STOP), or null without a candidate
 * @param blockReason why the prompt was blocked, or null
 * @param blockMessage the API's explanation of the block, or null
 */
public record GenerateResult(String text, String finishReason, String blockReason, String blockMessage,
                             TokenUsage usage, String modelVersion) {
    public boolean blocked() {
        return blockReason != null;
    }
}

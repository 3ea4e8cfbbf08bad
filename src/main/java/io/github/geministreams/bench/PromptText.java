package io.github.geministreams.bench;

import io.github.geministreams.simulator.GeminiSimulator;

/**
 * The text of benchmark prompt number {@code index}, the same for every row. Texts differ by
 * index (and warm-up texts from every measured one), so no row is helped by a cache unless
 * {@link PromptSequence} repeats a text on purpose. Padded to {@code tokens} × 4 characters, about
 * {@code tokens} tokens as the simulator counts them, so that a tokens-per-minute quota can
 * bind before the requests-per-minute one.
 */
final class PromptText {
    private static final String PADDING = " more words about records, partitions and batches";

    private PromptText() {
    }

    /** @param tokens about how many tokens the text should count; 0, or fewer than the short text has, = the short text */
    static String of(int index, int tokens) {
        return padded("Text number " + index + " about stream processing with Kafka", tokens);
    }

    /** Warm-up text number {@code index}: never the text of a measured prompt, so a row's cache starts cold. */
    static String warmUp(int index, int tokens) {
        return padded("Warm-up text number " + index + " about stream processing with Kafka", tokens);
    }

    private static String padded(String text, int tokens) {
        int length = tokens * 4;
        if (text.length() >= length) {
            return text;
        }
        StringBuilder padded = new StringBuilder(length + PADDING.length()).append(text);
        while (padded.length() < length) {
            padded.append(PADDING);
        }
        padded.setLength(length);
        return padded.toString();
    }

    /** The mean tokens of the first {@code count} texts, as the simulator counts them. */
    static double meanTokens(int count, int tokens) {
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += GeminiSimulator.tokens(of(i, tokens));
        }
        return count == 0 ? 0 : (double) total / count;
    }
}

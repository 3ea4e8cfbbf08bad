package io.github.geministreams.bench;

import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The texts and tasks of a row's prompts, in send order, the same for every row of a run.
 * Prompt {@code i} carries text number {@link #textIndex(int) textIndex(i)} and that text's
 * task, so a repeated text repeats its whole prompt (an identical embed or generate request)
 * under a prompt id of its own.
 *
 * <p>With a duplicate share F, {@code round(F × count)} prompts repeat the text of an earlier
 * prompt of the run: the first {@code count − round(F × count)} texts each come once in order,
 * and the repeats go round them (with F = 0.5 each text comes exactly twice), each placed at a
 * random position after its text's first prompt. A fixed seed makes every row send the same
 * sequence. Immutable.
 */
final class PromptSequence {
    /** The same sequence for every row and every run, so that rows and runs compare. */
    private static final long SEED = 13;

    private final Workload workload;
    private final int promptTokens;
    private final int[] textIndex;
    private final boolean warmUp;

    private PromptSequence(Workload workload, int promptTokens, int[] textIndex, boolean warmUp) {
        this.workload = workload;
        this.promptTokens = promptTokens;
        this.textIndex = textIndex;
        this.warmUp = warmUp;
    }

    /** The measured prompts of a row: {@code count} of them, {@code duplicateShare} of which repeat an earlier text. */
    static PromptSequence measured(Workload workload, int count, int promptTokens, double duplicateShare) {
        return new PromptSequence(workload, promptTokens, textIndices(count, duplicateShare, new Random(SEED)), false);
    }

    /** The warm-up prompts of a row: texts of their own, none repeated. */
    static PromptSequence warmUp(Workload workload, int count, int promptTokens) {
        return new PromptSequence(workload, promptTokens, IntStream.range(0, count).toArray(), true);
    }

    /**
     * Which text each of {@code count} prompts carries. Each text first comes in order (text
     * {@code j} before text {@code j + 1}); each repeat comes after its text's first prompt.
     *
     * @param duplicateShare the share of prompts that repeat an earlier text, 0 ≤ share < 1
     */
    static int[] textIndices(int count, double duplicateShare, Random random) {
        if (!(duplicateShare >= 0 && duplicateShare < 1)) {
            throw new IllegalArgumentException("a duplicate share is at least 0 and below 1, not " + duplicateShare);
        }
        // At least one text comes first, however few the prompts.
        int repeats = count == 0 ? 0 : (int) Math.min(count - 1, Math.round(duplicateShare * count));
        int distinct = count - repeats;
        // Each prompt gets a place on [0, 1): first prompts evenly spread, each repeat uniformly
        // after its text's first; sorting by place gives the send order.
        double[] place = new double[count];
        int[] text = new int[count];
        for (int j = 0; j < distinct; j++) {
            text[j] = j;
            place[j] = (double) j / distinct;
        }
        for (int k = 0; k < repeats; k++) {
            int j = k % distinct;
            double first = place[j];
            text[distinct + k] = j;
            // Strictly after the first place: nextDouble() may be 0.
            place[distinct + k] = Math.nextUp(first + (1 - first) * random.nextDouble());
        }
        return IntStream.range(0, count).boxed()
                .sorted(Comparator.comparingDouble((Integer prompt) -> place[prompt]).thenComparingInt(prompt -> prompt))
                .mapToInt(prompt -> text[prompt])
                .toArray();
    }

    int size() {
        return textIndex.length;
    }

    /** The text number prompt {@code i} carries. */
    int textIndex(int i) {
        return textIndex[i];
    }

    String text(int i) {
        return warmUp ? PromptText.warmUp(textIndex[i], promptTokens) : PromptText.of(textIndex[i], promptTokens);
    }

    /** {@code embed} or {@code generate}: the task of prompt {@code i}'s text. */
    String task(int i) {
        return workload.task(textIndex[i]);
    }

    boolean isEmbed(int i) {
        return "embed".equals(task(i));
    }
}

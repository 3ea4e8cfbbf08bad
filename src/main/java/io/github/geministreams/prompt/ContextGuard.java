package io.github.geministreams.prompt;

import io.github.geministreams.model.PromptPart;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Keeps a prompt that its model cannot take from being sent: before a request is spent, the
 * prompt's input tokens are counted for each of its tasks, against the input limit of the
 * model that task uses ({@link ContextLimits}). Over a limit, the prompt is a dead letter with
 * the count and the limit, or with {@link ContextOverflow#TRUNCATE} its {@code prompt} text is
 * cut to fit every task and the request is marked {@link PromptRequest#truncated()}.
 *
 * <p>What is counted: for {@code embed} the prompt's text, for {@code generate} the text and
 * the system instruction; text parts count for both, inline data and file URIs not at all
 * (Gemini counts media by its own rules). Tokens are estimated, not tokenized: about four
 * characters a token, Google's published rule of thumb (https://ai.google.dev/gemini-api/docs/tokens).
 * The SDK's {@code LocalTokenizer} is not used because it downloads its tokenizer model from
 * the internet on first use, which a locked-down deployment (and this project's CI) cannot do.
 * The estimate is fixed so that a replayed prompt is judged the same way; text that tokenizes
 * more densely than English can still exceed a limit, and then Gemini's 400 dead-letters it
 * at {@code generate} or {@code embed}. Only {@code prompt} is ever cut, never the system
 * instruction or parts. Immutable and thread-safe.
 */
public final class ContextGuard {
    /** No limits, so no guard: for tools and tests that parse prompts without a configuration. */
    public static final ContextGuard OFF = new ContextGuard(ContextLimits.NONE, ContextOverflow.DEAD_LETTER, null, null);

    /** Google's rule of thumb for Gemini models. */
    static final int CHARACTERS_PER_TOKEN = 4;

    private final ContextLimits limits;
    private final ContextOverflow overflow;
    private final String generateModel;
    private final String embedModel;

    /**
     * @param generateModel the model of {@code generate} for prompts that name none
     * @param embedModel    the model of {@code embed} for prompts that name none
     */
    public ContextGuard(ContextLimits limits, ContextOverflow overflow, String generateModel, String embedModel) {
        this.limits = limits;
        this.overflow = overflow;
        this.generateModel = generateModel;
        this.embedModel = embedModel;
    }

    /** The estimated input tokens of {@code characters} characters of text. */
    static long estimate(long characters) {
        return (characters + CHARACTERS_PER_TOKEN - 1) / CHARACTERS_PER_TOKEN;
    }

    /**
     * The request unchanged when it fits every task's model, else cut to fit (truncate mode) or
     * rejected with an {@link InvalidPromptException} naming the task, the count and the limit.
     */
    public PromptRequest apply(PromptRequest request) {
        long promptChars = length(request.prompt());
        String reason = null;
        long promptBudget = Long.MAX_VALUE;
        for (Task task : request.tasks()) {
            String model = request.model() != null ? request.model() : task == Task.GENERATE ? generateModel : embedModel;
            OptionalLong limit = limits.of(model);
            long fixedChars = fixedCharacters(request, task);
            if (limit.isEmpty() || estimate(promptChars + fixedChars) <= limit.getAsLong()) {
                continue;
            }
            if (reason == null) {
                reason = String.format(Locale.ROOT, "prompt has ~%,d tokens for %s; %s accepts %,d input tokens",
                        estimate(promptChars + fixedChars), task.wireName(), model, limit.getAsLong());
            }
            promptBudget = Math.min(promptBudget, limit.getAsLong() * CHARACTERS_PER_TOKEN - fixedChars);
        }
        if (reason == null) {
            return request;
        }
        if (overflow == ContextOverflow.DEAD_LETTER) {
            throw new InvalidPromptException(reason + " (gemini.context.overflow=dead-letter)");
        }
        if (promptBudget <= 0) {
            throw new InvalidPromptException(reason + ", and its system instruction and parts alone fill them; "
                    + "only 'prompt' can be truncated");
        }
        return request.withTruncatedPrompt(cut(request.prompt(), (int) Math.min(promptBudget, Integer.MAX_VALUE)));
    }

    /** Characters a task sends besides {@code prompt}: text that is never cut. */
    private static long fixedCharacters(PromptRequest request, Task task) {
        long characters = task == Task.GENERATE ? length(request.system()) : 0;
        if (request.parts() != null) {
            for (PromptPart part : request.parts()) {
                characters += length(part.text());
            }
        }
        return characters;
    }

    /** The first {@code characters} characters of {@code text}, never half a surrogate pair. */
    private static String cut(String text, int characters) {
        int end = Character.isHighSurrogate(text.charAt(characters - 1)) ? characters - 1 : characters;
        return text.substring(0, end);
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }
}

package io.github.geministreams.prompt;

import io.github.geministreams.model.Mode;
import io.github.geministreams.model.PromptRequest;

/**
 * What the configuration asks of every parsed prompt: a model it may name, and an input that
 * fits that model (applied after parsing, to plain-text and JSON prompts alike), and the mode
 * of a prompt that names none. Immutable.
 */
public record ParseRules(ModelPolicy models, ContextGuard context, Mode defaultMode, boolean batchModeAvailable) {
    /** Any model, no context guard, online: for tools and tests that parse prompts without a configuration. */
    public static final ParseRules NONE = new ParseRules(ModelPolicy.ANY, ContextGuard.OFF, Mode.ONLINE, true);

    /** The request, maybe truncated to fit; an {@link InvalidPromptException} when it breaks a rule. */
    public PromptRequest apply(PromptRequest request) {
        if (request.mode() == Mode.BATCH && !batchModeAvailable) {
            throw new InvalidPromptException("mode 'batch' needs gemini.backend=gemini-api: the Gemini Batch API with "
                    + "inline requests exists only on the Gemini Developer API");
        }
        models.check(request.model());
        return context.apply(request);
    }
}

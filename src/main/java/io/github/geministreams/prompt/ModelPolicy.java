package io.github.geministreams.prompt;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which models a prompt may name in {@code model}: {@code gemini.models.allowed}, or when that
 * is empty the configured generate and embed models and the generate fallbacks. A producer
 * can then neither pick a model the deployment does not pay for nor send a name the API would
 * answer with 404. Immutable.
 */
public final class ModelPolicy {
    /** Every model allowed: for tools and tests that parse prompts without a configuration. */
    public static final ModelPolicy ANY = new ModelPolicy(null);

    private final Set<String> allowed;

    /** @param allowed the models prompts may name, or null for any */
    public ModelPolicy(Set<String> allowed) {
        this.allowed = allowed == null ? null : Collections.unmodifiableSet(new LinkedHashSet<>(allowed));
    }

    /** Passes a model a prompt may name (or null: the configured one); else an {@link InvalidPromptException}. */
    public void check(String model) {
        if (model != null && allowed != null && !allowed.contains(model)) {
            throw new InvalidPromptException("model '" + model + "' is not allowed; prompts may name " + allowed
                    + " (gemini.models.allowed)");
        }
    }
}

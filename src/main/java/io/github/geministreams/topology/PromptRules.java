package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.GeminiBackend;
import io.github.geministreams.prompt.ContextGuard;
import io.github.geministreams.prompt.ContextLimits;
import io.github.geministreams.prompt.ModelPolicy;
import io.github.geministreams.prompt.ParseRules;
import java.util.LinkedHashSet;
import java.util.Set;

/** The rules every parsed prompt is held to, as the configuration asks. */
public final class PromptRules {
    private PromptRules() {
    }

    /**
     * The models prompts may name ({@code gemini.models.allowed}, or when that is empty the
     * configured generate and embed models and the generate fallbacks), the context guard over
     * the configured models' input limits, the default mode, and whether batch mode exists on
     * the configured backend.
     */
    public static ParseRules of(AppConfig config) {
        return new ParseRules(modelPolicy(config), contextGuard(config), config.batchMode().defaultMode(),
                config.gemini().backend() == GeminiBackend.GEMINI_API);
    }

    private static ModelPolicy modelPolicy(AppConfig config) {
        Set<String> allowed = new LinkedHashSet<>(config.pipeline().allowedModels());
        if (allowed.isEmpty()) {
            allowed.add(config.gemini().generateModel());
            allowed.add(config.gemini().embedModel());
            allowed.addAll(config.gemini().generateFallbacks());
        }
        return new ModelPolicy(allowed);
    }

    private static ContextGuard contextGuard(AppConfig config) {
        return new ContextGuard(ContextLimits.publishedWith(config.pipeline().contextLimits()),
                config.pipeline().contextOverflow(), config.gemini().generateModel(), config.gemini().embedModel());
    }
}

package io.github.geministreams.prompt;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Input token limits per model: the published ones ({@link #PUBLISHED}) under the operator's
 * {@code gemini.context.limits}. A model in neither has no limit here, and no context guard.
 * Immutable.
 */
public final class ContextLimits {
    /**
     * The input token limits Google publishes for each model ("Input token limit" on
     * https://ai.google.dev/gemini-api/docs/models, as of 2026): the Gemini 2.x generate models
     * take 1,048,576 tokens, the embedding models 2,048. Exact model names only: an alias or a
     * versioned name ({@code gemini-2.0-flash-001}) needs {@code gemini.context.limits}.
     */
    public static final Map<String, Long> PUBLISHED = Map.of(
            "gemini-2.5-pro", 1_048_576L,
            "gemini-2.5-flash", 1_048_576L,
            "gemini-2.5-flash-lite", 1_048_576L,
            "gemini-2.0-flash", 1_048_576L,
            "gemini-embedding-001", 2_048L,
            "text-embedding-004", 2_048L);

    /** No limits at all. */
    public static final ContextLimits NONE = new ContextLimits(Map.of());

    private final Map<String, Long> limits;

    private ContextLimits(Map<String, Long> limits) {
        this.limits = Collections.unmodifiableMap(limits);
    }

    /** The published limits, each of {@code overrides} over them. */
    public static ContextLimits publishedWith(Map<String, Long> overrides) {
        Map<String, Long> limits = new LinkedHashMap<>(PUBLISHED);
        limits.putAll(overrides);
        return new ContextLimits(limits);
    }

    /** The input token limit of {@code model}, if one is known. */
    public OptionalLong of(String model) {
        Long limit = model == null ? null : limits.get(model);
        return limit == null ? OptionalLong.empty() : OptionalLong.of(limit);
    }
}

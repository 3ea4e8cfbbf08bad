package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * The checks the Gemini API makes of a generateContent request's {@code generationConfig}
 * and {@code safetySettings}: a value out of range, an unknown enum name, a JSON schema
 * without {@code responseMimeType: application/json}, or a thinking budget together with a
 * thinking level is a 400 {@code INVALID_ARGUMENT} naming the field, as the API answers it.
 * Safety categories are those of the Gemini Developer API. Stateless.
 */
final class GenerationConfigRules {
    private static final List<String> MIME_TYPES = List.of("text/plain", "application/json", "text/x.enum");
    private static final List<String> THINKING_LEVELS = List.of("MINIMAL", "LOW", "MEDIUM", "HIGH");
    private static final List<String> CATEGORIES = List.of("HARM_CATEGORY_HARASSMENT", "HARM_CATEGORY_HATE_SPEECH",
            "HARM_CATEGORY_SEXUALLY_EXPLICIT", "HARM_CATEGORY_DANGEROUS_CONTENT", "HARM_CATEGORY_CIVIC_INTEGRITY");
    private static final List<String> THRESHOLDS = List.of("BLOCK_LOW_AND_ABOVE", "BLOCK_MEDIUM_AND_ABOVE",
            "BLOCK_ONLY_HIGH", "BLOCK_NONE", "OFF");
    private static final int MAX_STOP_SEQUENCES = 5;

    private GenerationConfigRules() {
    }

    /**
     * @return the request's {@code generationConfig} (a missing node when it has none)
     * @throws GeminiRequestException a 400 for the first value the API would refuse
     */
    static JsonNode check(JsonNode body) {
        JsonNode config = body.path("generationConfig");
        range(config, "generation_config.", "temperature", 0, 2);
        range(config, "generation_config.", "topP", 0, 1);
        range(config, "generation_config.", "topK", 1, Integer.MAX_VALUE);
        range(config, "generation_config.", "maxOutputTokens", 1, Integer.MAX_VALUE);
        JsonNode stops = config.path("stopSequences");
        if (stops.isArray() && stops.size() > MAX_STOP_SEQUENCES) {
            throw invalid("generation_config.stop_sequences", "at most " + MAX_STOP_SEQUENCES + " stop sequences");
        }
        JsonNode thinking = config.path("thinkingConfig");
        range(thinking, "generation_config.thinking_config.", "thinkingBudget", -1, Integer.MAX_VALUE);
        oneOf(thinking.path("thinkingLevel"), "generation_config.thinking_config.thinking_level", THINKING_LEVELS);
        if (thinking.has("thinkingBudget") && thinking.has("thinkingLevel")) {
            throw invalid("generation_config.thinking_config",
                    "thinking_budget and thinking_level cannot both be set");
        }
        oneOf(config.path("responseMimeType"), "generation_config.response_mime_type", MIME_TYPES);
        boolean hasSchema = config.has("responseJsonSchema") || config.has("responseSchema");
        if (hasSchema && !"application/json".equals(config.path("responseMimeType").asText())) {
            throw invalid("generation_config.response_mime_type",
                    "a response schema needs response_mime_type application/json");
        }
        JsonNode safety = body.path("safetySettings");
        if (!safety.isMissingNode() && !safety.isArray()) {
            throw invalid("safety_settings", "must be a list, was " + safety.getNodeType());
        }
        for (int i = 0; i < safety.size(); i++) {
            oneOf(safety.get(i).path("category"), "safety_settings[" + i + "].category", CATEGORIES);
            oneOf(safety.get(i).path("threshold"), "safety_settings[" + i + "].threshold", THRESHOLDS);
        }
        return config;
    }

    private static void range(JsonNode node, String path, String field, int min, int max) {
        JsonNode value = node.path(field);
        if (!value.isMissingNode() && (!value.isNumber() || value.asDouble() < min || value.asDouble() > max)) {
            String range = max == Integer.MAX_VALUE ? "at least " + min : "in [" + min + ", " + max + "]";
            throw invalid(path + snake(field), "must be " + range + ", was " + value);
        }
    }

    private static void oneOf(JsonNode value, String field, List<String> allowed) {
        if (!value.isMissingNode() && !allowed.contains(value.asText())) {
            throw invalid(field, "Invalid value " + value + ", expected one of " + allowed);
        }
    }

    private static GeminiRequestException invalid(String field, String reason) {
        return new GeminiRequestException(ApiError.invalidArgument("* GenerateContentRequest." + field + ": " + reason));
    }

    private static String snake(String camel) {
        return camel.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
    }
}

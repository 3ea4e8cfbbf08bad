package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * How a prompt's answer is generated: the {@code generation} object of a prompt, over the
 * defaults in config. Every field is optional (null = the model's default). Named as the
 * google-genai SDK's {@code GenerateContentConfig} names them.
 *
 * @param responseMimeType   {@code application/json} asks for JSON output
 * @param responseJsonSchema a JSON Schema the JSON output must match, or null
 * @param schema             the name of a schema in the prompts file, resolved into
 *                           {@code responseJsonSchema} at parse time; kept for the output record
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GenerationSettings(
        Double temperature, Double topP, Integer topK, Integer maxOutputTokens, List<String> stopSequences,
        Integer thinkingBudget, String thinkingLevel, List<SafetySetting> safetySettings, Map<String, String> labels,
        String responseMimeType, JsonNode responseJsonSchema, String schema) {

    /** No setting: every value is the model's default. */
    public static final GenerationSettings NONE =
            new GenerationSettings(null, null, null, null, null, null, null, null, null, null, null, null);

    /** One safety setting: a harm category and the threshold at which to block. */
    public record SafetySetting(String category, String threshold) {
    }
}

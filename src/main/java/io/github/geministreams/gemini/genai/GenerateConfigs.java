package io.github.geministreams.gemini.genai;

import com.google.genai.types.Content;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.Part;
import com.google.genai.types.SafetySetting;
import com.google.genai.types.ThinkingConfig;
import io.github.geministreams.model.GenerationSettings;

/**
 * The google-genai SDK's {@link GenerateContentConfig} for a prompt's {@link GenerationSettings}
 * and system instruction: a setting that is null is left out, so the model's default stands.
 * {@code labels} go to Vertex AI only: the SDK refuses them for the Gemini Developer API.
 * {@code schema} (the name) stays here; its schema travels as {@code responseJsonSchema}. Stateless.
 */
final class GenerateConfigs {
    private GenerateConfigs() {
    }

    /**
     * @param vertexAi true when the client talks to Vertex AI, which takes labels
     */
    public static GenerateContentConfig of(GenerationSettings settings, String systemInstruction, boolean vertexAi) {
        GenerateContentConfig.Builder config = GenerateContentConfig.builder();
        if (systemInstruction != null) {
            config.systemInstruction(Content.fromParts(Part.fromText(systemInstruction)));
        }
        if (settings.temperature() != null) {
            config.temperature(settings.temperature().floatValue());
        }
        if (settings.topP() != null) {
            config.topP(settings.topP().floatValue());
        }
        if (settings.topK() != null) {
            config.topK(settings.topK().floatValue());
        }
        if (settings.maxOutputTokens() != null) {
            config.maxOutputTokens(settings.maxOutputTokens());
        }
        if (settings.stopSequences() != null) {
            config.stopSequences(settings.stopSequences());
        }
        if (settings.thinkingBudget() != null || settings.thinkingLevel() != null) {
            ThinkingConfig.Builder thinking = ThinkingConfig.builder();
            if (settings.thinkingBudget() != null) {
                thinking.thinkingBudget(settings.thinkingBudget());
            }
            if (settings.thinkingLevel() != null) {
                thinking.thinkingLevel(settings.thinkingLevel());
            }
            config.thinkingConfig(thinking.build());
        }
        if (settings.safetySettings() != null) {
            config.safetySettings(settings.safetySettings().stream()
                    .map(setting -> SafetySetting.builder().category(setting.category())
                            .threshold(setting.threshold()).build())
                    .toList());
        }
        if (settings.labels() != null && vertexAi) {
            config.labels(settings.labels());
        }
        if (settings.responseMimeType() != null) {
            config.responseMimeType(settings.responseMimeType());
        }
        if (settings.responseJsonSchema() != null) {
            config.responseJsonSchema(settings.responseJsonSchema());
        }
        return config.build();
    }
}

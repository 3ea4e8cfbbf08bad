package io.github.geministreams.gemini;

import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.model.PromptPart;
import java.util.List;

/**
 * One generateContent request.
 *
 * @param prompt            the prompt's text; the request's content when {@code parts} is null
 * @param systemInstruction the system instruction, or null for none
 * @param parts             the content's parts when the prompt has several (text, inline data,
 *                          file URIs), or null
 * @param settings          how to generate (never null; {@link GenerationSettings#NONE} for the model's defaults)
 */
public record GenerateRequest(String model, String prompt, String systemInstruction, List<PromptPart> parts,
                              GenerationSettings settings) {
    public GenerateRequest {
        parts = parts == null ? null : List.copyOf(parts);
        settings = settings == null ? GenerationSettings.NONE : settings;
    }

    /** The same request to another model (a fallback model). */
    public GenerateRequest withModel(String other) {
        return new GenerateRequest(other, prompt, systemInstruction, parts, settings);
    }

    /** A text prompt with the model's default settings. */
    public GenerateRequest(String model, String prompt, String systemInstruction) {
        this(model, prompt, systemInstruction, null, GenerationSettings.NONE);
    }
}

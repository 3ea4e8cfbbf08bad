package io.github.geministreams.gemini;

/**
 * @param systemInstruction the system instruction, or null for none
 */
public record GenerateRequest(String model, String prompt, String systemInstruction) {
}

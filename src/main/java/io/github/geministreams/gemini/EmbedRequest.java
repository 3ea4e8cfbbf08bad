package io.github.geministreams.gemini;

import java.util.List;

/**
 * One batchEmbedContents request: at most 100 texts (the API's limit).
 *
 * @param dimensions output dimensionality; 0 = the model's default
 * @param taskType e.g. RETRIEVAL_DOCUMENT, or null for none
 */
public record EmbedRequest(String model, List<String> texts, int dimensions, String taskType) {
    public EmbedRequest {
        texts = List.copyOf(texts);
    }
}

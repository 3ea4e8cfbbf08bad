package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of the embeddings topic.
 *
 * @param truncated true when the prompt was cut to fit the model's input limit; null (absent) otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Embedding(
        String id, String model, int dimensions, float[] values, int attempts, long latencyMs,
        SourceCoordinates source, String job, JsonNode attributes, Boolean truncated) {
}

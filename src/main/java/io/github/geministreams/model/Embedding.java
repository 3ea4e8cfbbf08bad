package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of the embeddings topic.
 *
 * @param truncated true when the prompt was cut to fit the model's input limit; null (absent) otherwise
 * @param mode      how it was asked: {@code online}, or {@code batch} (in a Gemini Batch API job)
 * @param cached    true when it was served from the cache, without a Gemini call; null (absent) otherwise
 * @param costUsd   the estimated cost in US dollars (the text's tokens, estimated at 4 characters a token as
 *                  the embed API reports none, at the model's price in this mode; 0 when cached); null when
 *                  the price table has no price for the model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Embedding(
        String id, String model, int dimensions, float[] values, int attempts, long latencyMs,
        SourceCoordinates source, String job, JsonNode attributes, Boolean truncated, Mode mode, Boolean cached,
        Double costUsd) {
}

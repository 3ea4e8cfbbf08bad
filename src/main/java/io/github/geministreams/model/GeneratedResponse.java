package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A value of the responses topic. A prompt blocked for safety is an answer too:
 * {@code blocked} is true, {@code text} is null and {@code blockReason} says why.
 *
 * @param json      the answer's parsed JSON value when the prompt asked for JSON
 *                  ({@code responseMimeType: application/json}; matched against its schema), else null
 * @param model the model that answered: a fallback model when the prompt's could not
 * @param attemptsByModel when the prompt fell back to another model: the attempts each model took, in the order
 *        tried (0 for a model skipped because its daily quota is exhausted); null otherwise. {@code attempts} is
 *        their sum
 * @param latencyMs time from dispatch to the final answer, retries included
 * @param truncated true when {@code prompt} was cut to fit the model's input limit; null (absent) otherwise
 * @param mode      how it was asked: {@code online}, or {@code batch} (in a Gemini Batch API job)
 * @param cached    true when it was served from the cache, without a Gemini call; null (absent) otherwise
 * @param costUsd   the estimated cost of this answer in US dollars (the usage at the model's price in this
 *                  mode; 0 when cached); null when the price table has no price for the model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GeneratedResponse(
        String id, String prompt, String text, JsonNode json, String model, String finishReason,
        boolean blocked, String blockReason, String blockMessage,
        TokenCounts usage, int attempts, Map<String, Integer> attemptsByModel, long latencyMs, SourceCoordinates source,
        String job, JsonNode attributes, Boolean truncated, Mode mode, Boolean cached, Double costUsd) {
}

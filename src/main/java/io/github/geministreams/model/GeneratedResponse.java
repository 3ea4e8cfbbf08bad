package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A value of the responses topic. A prompt blocked for safety is an answer too:
 * {@code blocked} is true, {@code text} is null and {@code blockReason} says why.
 *
 * @param json      the answer's parsed JSON value when the prompt asked for JSON
 *                  ({@code responseMimeType: application/json}; matched against its schema), else null
 * @param latencyMs time from dispatch to the final answer, retries included
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GeneratedResponse(
        String id, String prompt, String text, JsonNode json, String model, String finishReason,
        boolean blocked, String blockReason, String blockMessage,
        TokenCounts usage, int attempts, long latencyMs, SourceCoordinates source,
        String job, JsonNode attributes) {
}

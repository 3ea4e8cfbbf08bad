package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.time.Duration;
import java.util.Locale;

/**
 * An error answer in the Gemini API's format:
 * {@code {"error":{"code","message","status","details":[...]}}}. Immutable.
 */
record ApiError(int code, String status, String message, ArrayNode details) {
    static ApiError invalidArgument(String message) {
        return new ApiError(400, "INVALID_ARGUMENT", message, Json.MAPPER.createArrayNode());
    }

    static ApiError invalidApiKey() {
        ArrayNode details = Json.MAPPER.createArrayNode();
        details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                .put("reason", "API_KEY_INVALID")
                .put("domain", "googleapis.com");
        return new ApiError(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.", details);
    }

    /** Vertex AI's answer to a missing or unknown access token. */
    static ApiError unauthenticated() {
        return new ApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2 "
                + "access token, login cookie or other valid authentication credential.", Json.MAPPER.createArrayNode());
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "NOT_FOUND", message, Json.MAPPER.createArrayNode());
    }

    static ApiError internal() {
        return new ApiError(500, "INTERNAL", "An internal error has occurred. Please retry or report in "
                + "https://developers.generativeai.google/guide/troubleshooting", Json.MAPPER.createArrayNode());
    }

    static ApiError unavailable() {
        return new ApiError(503, "UNAVAILABLE", "The model is overloaded. Please try again later.",
                Json.MAPPER.createArrayNode());
    }

    /**
     * A 429 as the API sends it: a QuotaFailure naming the quota and a RetryInfo saying
     * how long to wait.
     */
    static ApiError resourceExhausted(String quotaId, String metric, long quotaValue, Duration retryDelay) {
        ArrayNode details = Json.MAPPER.createArrayNode();
        ObjectNode violation = details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.QuotaFailure")
                .putArray("violations").addObject();
        violation.put("quotaMetric", metric).put("quotaId", quotaId).put("quotaValue", Long.toString(quotaValue));
        details.addObject()
                .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
                .put("retryDelay", seconds(retryDelay));
        return new ApiError(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and "
                + "billing details. Please retry in " + seconds(retryDelay) + ".", details);
    }

    byte[] body() {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.putObject("error")
                .put("code", code)
                .put("message", message)
                .put("status", status)
                .set("details", details);
        return Json.toBytes(root);
    }

    /** "1.5s", "17s": the protobuf Duration JSON form the API uses. */
    private static String seconds(Duration duration) {
        double seconds = Math.max(duration.toMillis(), 1) / 1000.0;
        String text = String.format(Locale.ROOT, "%.3f", seconds).replaceAll("0+$", "").replaceAll("\\.$", "");
        return text + "s";
    }
}

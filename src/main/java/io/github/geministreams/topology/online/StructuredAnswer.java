package io.github.geministreams.topology.online;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.prompt.JsonSchemas;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.util.Optional;

/**
 * What a generated answer must be when its prompt asked for JSON
 * ({@code responseMimeType: application/json}): one JSON value, nothing after it, that
 * matches {@code responseJsonSchema} when there is one. An answer blocked for safety has no
 * text and is not checked: it is an answer, not a broken one. Stateless.
 */
public final class StructuredAnswer {
    private static final String JSON = "application/json";

    private StructuredAnswer() {
    }

    /** Why {@code result} is not the answer {@code settings} asked for, or empty when it is (or nothing was asked). */
    static Optional<String> problem(GenerationSettings settings, GenerateResult result) {
        if (!expectsJson(settings, result)) {
            return Optional.empty();
        }
        if (result.text() == null) {
            return Optional.of("the answer has no text (finishReason " + result.finishReason() + ")");
        }
        JsonNode value;
        try {
            value = parse(result.text());
        } catch (IOException e) {
            String reason = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            return Optional.of("the answer is not JSON: " + reason);
        }
        if (settings.responseJsonSchema() == null) {
            return Optional.empty();
        }
        return JsonSchemas.mismatch(value, settings.responseJsonSchema())
                .map(mismatch -> "the answer does not match the " + schemaName(settings) + ": " + mismatch);
    }

    /** The answer's JSON value for the responses record, or null when the prompt did not ask for JSON. */
    public static JsonNode json(GenerationSettings settings, GenerateResult result) {
        if (!expectsJson(settings, result) || result.text() == null) {
            return null;
        }
        try {
            return parse(result.text());
        } catch (IOException e) {
            // Only answers that passed problem() are forwarded, here or by a previous owner.
            throw new IllegalStateException("A checked JSON answer no longer parses", e);
        }
    }

    private static boolean expectsJson(GenerationSettings settings, GenerateResult result) {
        return JSON.equals(settings.responseMimeType()) && !result.blocked();
    }

    private static JsonNode parse(String text) throws IOException {
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            JsonNode value = Json.MAPPER.readTree(parser);
            if (value == null || value.isMissingNode()) {
                throw new IOException("the answer is empty");
            }
            if (parser.nextToken() != null) {
                throw new IOException("content after the JSON value");
            }
            return value;
        }
    }

    private static String schemaName(GenerationSettings settings) {
        return settings.schema() == null ? "responseJsonSchema" : "schema '" + settings.schema() + "'";
    }
}

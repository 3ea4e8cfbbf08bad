package io.github.geministreams.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.prompt.JsonSchemas;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;

/** The simulator's JSON answers, checked with the same validator the pipeline uses. */
class StructuredAnswersTest {
    private static JsonNode config(String schema) throws IOException {
        return Json.MAPPER.readTree("{\"responseMimeType\": \"application/json\", \"responseJsonSchema\": " + schema + "}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", \"minLength\": 12},"
                + " \"code\": {\"type\": \"string\", \"maxLength\": 3}}, \"required\": [\"name\", \"code\"]}",
        "{\"type\": \"array\", \"items\": {\"type\": \"integer\", \"minimum\": 5, \"maximum\": 9}, \"minItems\": 3}",
        "{\"type\": \"number\", \"minimum\": 2.5}",
        "{\"type\": [\"null\", \"boolean\"]}",
        "{\"enum\": [\"red\", \"green\"]}",
        "{\"const\": 42}",
        "{\"anyOf\": [{\"type\": \"integer\"}, {\"type\": \"string\"}]}",
        "{\"$defs\": {\"item\": {\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}},"
                + " \"required\": [\"id\"]}}, \"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/item\"}}",
        "{\"properties\": {\"nested\": {\"properties\": {\"ok\": {\"type\": \"boolean\"}}}}}",
    })
    void shouldAnswerAnInstanceOfTheSchema(String schema) throws IOException {
        String text = StructuredAnswers.text(config(schema), "anything", "plain");
        assertEquals(Optional.empty(), JsonSchemas.mismatch(Json.MAPPER.readTree(text), Json.MAPPER.readTree(schema)),
                text);
        assertEquals(text, StructuredAnswers.text(config(schema), "anything else", "plain"), "deterministic");
    }

    @Test
    void shouldBreakTheAnswerOnTheTriggerWords() throws IOException {
        String schema = "{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"string\"}}}";
        assertEquals("plain", StructuredAnswers.text(config(schema), "x INVALID_JSON_TRIGGER", "plain"));
        JsonNode mismatch = Json.MAPPER.readTree(StructuredAnswers.text(config(schema), "x SCHEMA_MISMATCH_TRIGGER", "plain"));
        assertTrue(JsonSchemas.mismatch(mismatch, Json.MAPPER.readTree(schema)).isPresent());
        String arraySchema = "{\"type\": \"array\"}";
        JsonNode arrayMismatch = Json.MAPPER.readTree(
                StructuredAnswers.text(config(arraySchema), "SCHEMA_MISMATCH_TRIGGER", "plain"));
        assertTrue(JsonSchemas.mismatch(arrayMismatch, Json.MAPPER.readTree(arraySchema)).isPresent());
    }

    @Test
    void shouldWrapTheTextInAnObjectWithoutASchemaAndLeavePlainTextAlone() throws IOException {
        JsonNode noSchema = Json.MAPPER.readTree("{\"responseMimeType\": \"application/json\"}");
        assertEquals("{\"text\":\"plain\"}", StructuredAnswers.text(noSchema, "p", "plain"));
        assertEquals("plain", StructuredAnswers.text(Json.MAPPER.missingNode(), "p", "plain"));
    }
}

package io.github.geministreams.gemini.genai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.model.GenerationSettings.SafetySetting;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.prompt.JsonSchemas;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Generation settings and structured output on the wire: our client and the real SDK against
 * the simulator over HTTP. That each setting reaches the simulator is shown by a value the
 * API refuses coming back as its 400, naming the field; a schema, by a JSON answer that
 * matches it.
 */
class StructuredOutputWireTest {
    private static final String SCHEMA = """
            {"type": "object",
             "properties": {"category": {"type": "string", "enum": ["billing", "bug", "other"]},
                            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 2},
                            "urgent": {"type": "boolean"}, "votes": {"type": "integer", "minimum": 3}},
             "required": ["category", "confidence", "tags"]}""";

    private GeminiSimulator simulator;
    private GenAiGeminiClient client;

    @BeforeEach
    void start() {
        simulator = GeminiSimulator.start(SimulatorConfig.builder().build());
        client = new GenAiGeminiClient(new GenAiSettings(simulator.config().apiKey(), simulator.baseUrl(), 4,
                Duration.ofSeconds(10), 2));
    }

    @AfterEach
    void stop() {
        client.close();
        simulator.close();
    }

    private static GenerationSettings settings(String generation) throws Exception {
        JsonNode node = Json.MAPPER.readTree(generation);
        return Json.MAPPER.treeToValue(node, GenerationSettings.class);
    }

    private GenerateResult generate(String prompt, GenerationSettings settings) throws Exception {
        return client.generate(new GenerateRequest("gemini-2.5-flash", prompt, "Answer as JSON.", null, settings))
                .get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldAnswerJsonThatMatchesTheSchemaWithEverySettingSent() throws Exception {
        JsonNode schema = Json.MAPPER.readTree(SCHEMA);
        GenerationSettings settings = new GenerationSettings(0.3, 0.9, 20, 400, List.of("END"), null, "LOW",
                List.of(new SafetySetting("HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH")), Map.of("team", "support"),
                "application/json", schema, "ticket");
        GenerateResult result = generate("Classify: the invoice is wrong", settings);
        JsonNode answer = Json.MAPPER.readTree(result.text());
        assertEquals(Optional.empty(), JsonSchemas.mismatch(answer, schema));
        assertEquals("billing", answer.get("category").asText());
        assertEquals(2, answer.get("tags").size());
        assertEquals(3, answer.get("votes").asInt());
    }

    @Test
    void shouldAnswerPlainTextWithoutAJsonMimeType() throws Exception {
        assertEquals("Simulated answer to: hello", generate("hello", GenerationSettings.NONE).text());
    }

    @Test
    void shouldAnswerTextThatIsNotJsonOrJsonThatDoesNotMatchOnTheTriggerWords() throws Exception {
        JsonNode schema = Json.MAPPER.readTree(SCHEMA);
        GenerationSettings settings = new GenerationSettings(null, null, null, null, null, null, null, null, null,
                "application/json", schema, null);
        String notJson = generate("INVALID_JSON_TRIGGER please", settings).text();
        assertThrows(Exception.class, () -> Json.MAPPER.readTree(notJson), notJson);
        JsonNode mismatch = Json.MAPPER.readTree(generate("SCHEMA_MISMATCH_TRIGGER please", settings).text());
        assertTrue(JsonSchemas.mismatch(mismatch, schema).isPresent(), mismatch::toString);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"temperature\": 2.5}                         | generation_config.temperature",
        "{\"topP\": 1.5}                                | generation_config.top_p",
        "{\"topK\": 0}                                  | generation_config.top_k",
        "{\"maxOutputTokens\": 0}                       | generation_config.max_output_tokens",
        "{\"stopSequences\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]} | generation_config.stop_sequences",
        "{\"thinkingBudget\": -5}                       | generation_config.thinking_config.thinking_budget",
        "{\"thinkingBudget\": 10, \"thinkingLevel\": \"LOW\"} | generation_config.thinking_config",
        "{\"safetySettings\": [{\"category\": \"HARM_CATEGORY_JAILBREAK\", \"threshold\": \"OFF\"}]} | safety_settings[0].category",
        "{\"responseMimeType\": \"text/plain\", \"responseJsonSchema\": {\"type\": \"object\"}} | generation_config.response_mime_type",
    })
    void shouldSendEachSettingSoThatTheApiRefusesABadValue(String generation, String field) throws Exception {
        GenerationSettings settings = settings(generation);
        ExecutionException thrown = assertThrows(ExecutionException.class, () -> client
                .generate(new GenerateRequest("gemini-2.5-flash", "hi", null, null, settings)).get(10, TimeUnit.SECONDS));
        GeminiException failure = assertInstanceOf(GeminiException.class, thrown.getCause());
        assertEquals(400, failure.httpStatus());
        assertTrue(failure.getMessage().contains("GenerateContentRequest." + field + ":"), failure.getMessage());
    }
}

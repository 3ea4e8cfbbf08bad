package io.github.geministreams.prompt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.model.GenerationSettings.SafetySetting;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code generation} object of a prompt, over the prompts file's defaults, and every reason it is refused. */
class GenerationSettingsParserTest {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("prompts", 0, 5, 1000L);
    private static final String CATALOG = """
            {"schemas": {"ticket-class": {"type": "object",
                                          "properties": {"category": {"type": "string"}, "confidence": {"type": "number"}},
                                          "required": ["category"]}},
             "defaults": {"generation": {"temperature": 0.2, "maxOutputTokens": 256, "schema": "ticket-class"}}}""";

    private final PromptCatalog catalog = PromptCatalog.parse(json(CATALOG));
    private final GenerationSettingsParser parser = new GenerationSettingsParser(catalog);

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static GenerationSettings parseAlone(String generation) {
        return new GenerationSettingsParser(PromptCatalog.EMPTY).parse(json(generation));
    }

    private static String rejection(String generation) {
        return assertThrows(InvalidPromptException.class, () -> parseAlone(generation)).getMessage();
    }

    @Test
    void shouldReadEveryField() {
        GenerationSettings settings = parseAlone("""
                {"temperature": 1.5, "topP": 0.9, "topK": 40, "maxOutputTokens": 1024, "stopSequences": ["END", "##"],
                 "thinkingBudget": 0,
                 "safetySettings": [{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}],
                 "labels": {"team": "support"}, "responseMimeType": "application/json",
                 "responseJsonSchema": {"type": "array", "items": {"type": "string"}}}""");
        assertEquals(1.5, settings.temperature());
        assertEquals(0.9, settings.topP());
        assertEquals(40, settings.topK());
        assertEquals(1024, settings.maxOutputTokens());
        assertEquals(List.of("END", "##"), settings.stopSequences());
        assertEquals(0, settings.thinkingBudget());
        assertEquals(List.of(new SafetySetting("HARM_CATEGORY_HARASSMENT", "BLOCK_ONLY_HIGH")), settings.safetySettings());
        assertEquals(Map.of("team", "support"), settings.labels());
        assertEquals("application/json", settings.responseMimeType());
        assertEquals(json("{\"type\": \"array\", \"items\": {\"type\": \"string\"}}"), settings.responseJsonSchema());
        assertNull(settings.schema());
        assertEquals("HIGH", parseAlone("{\"thinkingLevel\": \"HIGH\"}").thinkingLevel());
        JsonNode draft7 = json("{\"$schema\": \"http://json-schema.org/draft-07/schema#\", \"type\": \"object\"}");
        assertEquals(draft7, parseAlone("{\"responseJsonSchema\": " + draft7 + "}").responseJsonSchema());
    }

    @Test
    void shouldAcceptTheEdgesOfEachRange() {
        GenerationSettings low = parseAlone("""
                {"temperature": 0, "topP": 0, "topK": 1, "maxOutputTokens": 1, "thinkingBudget": -1,
                 "stopSequences": ["a", "b", "c", "d", "e"]}""");
        assertEquals(0.0, low.temperature());
        assertEquals(-1, low.thinkingBudget());
        GenerationSettings high = parseAlone("{\"temperature\": 2, \"topP\": 1}");
        assertEquals(2.0, high.temperature());
        assertEquals(1.0, high.topP());
    }

    @Test
    void shouldGiveNoSettingsWithoutAPromptsFile() {
        assertEquals(GenerationSettings.NONE, new GenerationSettingsParser(PromptCatalog.EMPTY).defaults());
        assertEquals(GenerationSettings.NONE, parseAlone("{}"));
    }

    @Test
    void shouldResolveANamedSchemaIntoJsonOutput() {
        GenerationSettings settings = parser.parse(json("{\"schema\": \"ticket-class\"}"));
        assertEquals("ticket-class", settings.schema());
        assertEquals(catalog.schemas().get("ticket-class"), settings.responseJsonSchema());
        assertEquals("application/json", settings.responseMimeType());
    }

    @Test
    void shouldLayThePromptsValuesOverTheDefaultsFieldByField() {
        GenerationSettings defaults = parser.defaults();
        assertEquals(0.2, defaults.temperature());
        assertEquals(256, defaults.maxOutputTokens());
        assertEquals("ticket-class", defaults.schema());
        assertEquals(defaults, parser.parse(null));

        GenerationSettings settings = parser.parse(json("{\"temperature\": 0.9}"));
        assertEquals(0.9, settings.temperature(), "the prompt's value wins");
        assertEquals(256, settings.maxOutputTokens(), "the default stays where the prompt says nothing");
        assertEquals("ticket-class", settings.schema());
    }

    @Test
    void shouldLetAnInlineSchemaReplaceTheDefaultNamedOneAndNullRemoveADefault() {
        GenerationSettings inline = parser.parse(json("{\"responseJsonSchema\": {\"type\": \"string\"}}"));
        assertNull(inline.schema());
        assertEquals(json("{\"type\": \"string\"}"), inline.responseJsonSchema());

        GenerationSettings plain = parser.parse(json("{\"schema\": null, \"maxOutputTokens\": null}"));
        assertNull(plain.schema());
        assertNull(plain.responseJsonSchema());
        assertNull(plain.responseMimeType());
        assertNull(plain.maxOutputTokens());
        assertEquals(0.2, plain.temperature());
    }

    @Test
    void shouldLetAThinkingLevelReplaceTheDefaultThinkingBudget() {
        GenerationSettingsParser budgeted = new GenerationSettingsParser(PromptCatalog.parse(json(
                "{\"defaults\": {\"generation\": {\"thinkingBudget\": 0}}}")));
        GenerationSettings settings = budgeted.parse(json("{\"thinkingLevel\": \"HIGH\"}"));
        assertEquals("HIGH", settings.thinkingLevel());
        assertNull(settings.thinkingBudget());
        assertEquals(0, budgeted.parse(json("{\"temperature\": 1}")).thinkingBudget());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"temperature\": 2.5}               | field 'generation.temperature' must be a number from 0 to 2, was 2.5",
        "{\"temperature\": -0.1}              | field 'generation.temperature' must be a number from 0 to 2, was -0.1",
        "{\"temperature\": \"hot\"}           | field 'generation.temperature' must be a number from 0 to 2, was \"hot\"",
        "{\"topP\": 1.01}                     | field 'generation.topP' must be a number from 0 to 1, was 1.01",
        "{\"topK\": 0}                        | field 'generation.topK' must be a whole number of at least 1, was 0",
        "{\"topK\": 2.5}                      | field 'generation.topK' must be a whole number of at least 1, was 2.5",
        "{\"maxOutputTokens\": 0}             | field 'generation.maxOutputTokens' must be a whole number of at least 1, was 0",
        "{\"maxOutputTokens\": 99999999999}   | field 'generation.maxOutputTokens' must be a whole number of at least 1, was 99999999999",
        "{\"thinkingBudget\": -2}             | field 'generation.thinkingBudget' must be a whole number of at least -1, was -2",
        "{\"stopSequences\": \"END\"}         | field 'generation.stopSequences' must be an array of at most 5 strings, was \"END\"",
        "{\"stopSequences\": [\"a\",\"b\",\"c\",\"d\",\"e\",\"f\"]} | field 'generation.stopSequences' must be an array of at most 5 strings",
        "{\"stopSequences\": [\"\"]}          | field 'generation.stopSequences' must hold non-empty strings, had \"\"",
        "{\"stopSequences\": [7]}             | field 'generation.stopSequences' must hold non-empty strings, had 7",
        "{\"thinkingLevel\": \"EXTREME\"}     | field 'generation.thinkingLevel' must be one of [MINIMAL, LOW, MEDIUM, HIGH], was \"EXTREME\"",
        "{\"thinkingLevel\": \"THINKING_LEVEL_UNSPECIFIED\"} | field 'generation.thinkingLevel' must be one of [MINIMAL, LOW, MEDIUM, HIGH]",
        "{\"thinkingLevel\": \"LOW\", \"thinkingBudget\": 128} | field 'generation.thinkingLevel' cannot be set together with thinkingBudget",
        "{\"safetySettings\": {}}             | field 'generation.safetySettings' must be an array of {\"category\",\"threshold\"}",
        "{\"safetySettings\": [\"x\"]}        | field 'generation.safetySettings[0]' must be an object",
        "{\"safetySettings\": [{\"category\": \"HARM_CATEGORY_RUDENESS\", \"threshold\": \"OFF\"}]} | field 'generation.safetySettings[0].category' must be one of [HARM_CATEGORY_HARASSMENT,",
        "{\"safetySettings\": [{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"BLOCK_ALL\"}]} | field 'generation.safetySettings[0].threshold' must be one of [BLOCK_LOW_AND_ABOVE,",
        "{\"safetySettings\": [{\"category\": \"HARM_CATEGORY_HARASSMENT\"}]} | field 'generation.safetySettings[0].threshold' is missing",
        "{\"safetySettings\": [{\"category\": \"HARM_CATEGORY_HARASSMENT\", \"threshold\": \"OFF\", \"method\": \"SEVERITY\"}]} | unknown field 'generation.safetySettings[0].method'; expected one of [category, threshold]",
        "{\"labels\": [\"a\"]}                | field 'generation.labels' must be an object of strings, was ARRAY",
        "{\"labels\": {\"team\": 7}}          | field 'generation.labels.team' must be a string, was NUMBER",
        "{\"responseMimeType\": \"text/html\"} | field 'generation.responseMimeType' must be one of [text/plain, application/json], was \"text/html\"",
        "{\"responseMimeType\": \"text/plain\", \"responseJsonSchema\": {\"type\": \"object\"}} | field 'generation.responseMimeType' must be application/json with a schema, was text/plain",
        "{\"responseJsonSchema\": {\"type\": \"objekt\"}} | field 'generation.responseJsonSchema' is not a valid JSON Schema: /type: does not have a value in the enumeration",
        "{\"responseJsonSchema\": {\"required\": \"name\"}} | field 'generation.responseJsonSchema' is not a valid JSON Schema: /required: string found, array expected",
        "{\"responseJsonSchema\": {\"$ref\": \"#/$defs/missing\"}} | field 'generation.responseJsonSchema' is not a valid JSON Schema: Reference /$defs/missing cannot be resolved",
        "{\"responseJsonSchema\": \"object\"} | field 'generation.responseJsonSchema' is not a valid JSON Schema: a JSON Schema must be an object, was STRING",
        "{\"responseJsonSchema\": {\"$schema\": \"https://example.com/s\"}} | field 'generation.responseJsonSchema' is not a valid JSON Schema: unknown $schema 'https://example.com/s'; expected one of [http://json-schema.org/draft-04/schema#,",
        "{\"responseJsonSchema\": {\"$schema\": \"http://json-schema.org/draft-04/schema#\", \"type\": \"objekt\"}} | field 'generation.responseJsonSchema' is not a valid JSON Schema: /type: does not have a value in the enumeration",
        "{\"schema\": \"nope\"}               | field 'generation.schema' must name a schema of the prompts file [], was \"nope\"",
        "{\"temprature\": 0.5}                | unknown field 'generation.temprature'; expected one of [temperature, topP,",
    })
    void shouldRefuseABadValueNamingTheField(String generation, String reason) {
        String message = rejection(generation);
        assertTrue(message.startsWith(reason), () -> message + "\n should start with\n" + reason);
    }

    @Test
    void shouldRefuseAnUnknownSchemaNameListingTheKnownOnes() {
        String message = assertThrows(InvalidPromptException.class,
                () -> parser.parse(json("{\"schema\": \"ticket\"}"))).getMessage();
        assertEquals("field 'generation.schema' must name a schema of the prompts file [ticket-class], was \"ticket\"",
                message);
    }

    @Test
    void shouldRefuseASchemaNameTogetherWithAnInlineSchema() {
        String message = assertThrows(InvalidPromptException.class, () -> parser.parse(json(
                "{\"schema\": \"ticket-class\", \"responseJsonSchema\": {\"type\": \"string\"}}"))).getMessage();
        assertEquals("field 'generation.schema' cannot be given with responseJsonSchema; choose one", message);
    }

    @Test
    void shouldRefuseAGenerationThatIsNotAnObject() {
        assertEquals("field 'generation' must be an object, was ARRAY", rejection("[]"));
    }

    @Test
    void shouldFillThePromptRequestOfTheParserAndGivePlainTextTheDefaults() {
        PromptParser prompts = new PromptParser(2000, Set.of(Task.GENERATE), catalog);
        var structured = prompts.parse(null, """
                {"prompt": "My printer is on fire", "generation": {"topK": 3}}""".getBytes(UTF_8), SOURCE);
        assertEquals(3, structured.generation().topK());
        assertEquals("ticket-class", structured.generation().schema());
        assertEquals(parser.defaults(), prompts.parse(null, "plain text".getBytes(UTF_8), SOURCE).generation());
        String message = assertThrows(InvalidPromptException.class, () -> prompts.parse(null,
                "{\"prompt\": \"x\", \"generation\": {\"topP\": 7}}".getBytes(UTF_8), SOURCE)).getMessage();
        assertEquals("field 'generation.topP' must be a number from 0 to 1, was 7", message);
    }

    @Test
    void shouldStopTheStartOnABadDefaultOrSchemaInThePromptsFile(@TempDir Path dir) throws IOException {
        Path badDefault = dir.resolve("bad-default.yaml");
        Files.writeString(badDefault, "defaults:\n  generation: {temperature: 3}\n");
        assertEquals("Invalid prompts file " + badDefault
                        + ": field 'defaults.generation.temperature' must be a number from 0 to 2, was 3",
                assertThrows(InvalidPromptsFileException.class, () -> PromptCatalog.fromFile(badDefault)).getMessage());

        Path unknownSchema = dir.resolve("unknown-schema.yaml");
        Files.writeString(unknownSchema, "defaults:\n  generation: {schema: missing}\n");
        assertTrue(assertThrows(InvalidPromptsFileException.class, () -> PromptCatalog.fromFile(unknownSchema)).getMessage()
                .endsWith("field 'defaults.generation.schema' must name a schema of the prompts file [], was \"missing\""));

        Path badSchema = dir.resolve("bad-schema.yaml");
        Files.writeString(badSchema, "schemas:\n  broken: {type: objekt}\n");
        assertTrue(assertThrows(InvalidPromptsFileException.class, () -> PromptCatalog.fromFile(badSchema)).getMessage()
                .contains("schemas.broken is not a valid JSON Schema: /type: does not have a value in the enumeration"));
    }
}

package io.github.geministreams.prompt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.model.Mode;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PromptParserTest {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("prompts", 2, 41, 1000L);
    private final PromptParser parser = new PromptParser(200, Set.of(Task.GENERATE));

    private PromptRequest parse(String key, String value) {
        return parser.parse(key == null ? null : key.getBytes(UTF_8), value.getBytes(UTF_8), SOURCE);
    }

    private String rejection(byte[] key, byte[] value) {
        return assertThrows(InvalidPromptException.class, () -> parser.parse(key, value, SOURCE)).getMessage();
    }

    @Test
    void shouldTakePlainTextAsPromptWithDefaultTasksAndKeyAsId() {
        PromptRequest request = parse("q-1", "What is a partition?");
        assertEquals("q-1", request.id());
        assertEquals("What is a partition?", request.prompt());
        assertEquals(Set.of(Task.GENERATE), request.tasks());
    }

    @Test
    void shouldFallBackToSourceCoordinatesWhenThereIsNoKey() {
        assertEquals("prompts-2-41", parse(null, "hello").id());
    }

    @Test
    void shouldReadEveryFieldOfAJsonPromptObject() {
        PromptRequest request = parse("key-id", """
                  {"id":"p-7","prompt":"Hi","tasks":["embed","generate"],"model":"m","system":"be brief",
                   "job":"j1","jobSize":3,"attributes":{"team":"a"}}""");
        assertEquals("p-7", request.id());
        assertEquals("Hi", request.prompt());
        assertEquals(Set.of(Task.EMBED, Task.GENERATE), request.tasks());
        assertEquals("m", request.model());
        assertEquals("be brief", request.system());
        assertEquals("j1", request.job());
        assertEquals(3L, request.jobSize());
        assertEquals("a", request.attributes().get("team").asText());
    }

    @Test
    void shouldReadTheModeAndTakeTheConfiguredDefaultWhenThereIsNone() {
        assertEquals(Mode.BATCH, parse("k", "{\"prompt\":\"Hi\",\"mode\":\"batch\"}").mode());
        assertEquals(Mode.ONLINE, parse("k", "{\"prompt\":\"Hi\",\"mode\":\"online\"}").mode());
        assertEquals(Mode.ONLINE, parse("k", "{\"prompt\":\"Hi\"}").mode());
        PromptParser batchByDefault = new PromptParser(200, Set.of(Task.GENERATE), PromptCatalog.EMPTY,
                new ParseRules(ModelPolicy.ANY, ContextGuard.OFF, Mode.BATCH, true), 200);
        assertEquals(Mode.BATCH, batchByDefault.parse(null, "{\"prompt\":\"Hi\"}".getBytes(UTF_8), SOURCE).mode());
        assertEquals(Mode.BATCH, batchByDefault.parse(null, "plain text".getBytes(UTF_8), SOURCE).mode());
        assertEquals(Mode.ONLINE, batchByDefault.parse(null, "{\"prompt\":\"Hi\",\"mode\":\"online\"}"
                .getBytes(UTF_8), SOURCE).mode());
    }

    @Test
    void shouldRejectAnUnknownModeAndBatchModeWhereTheBackendHasNoBatchApi() {
        String unknown = rejection(null, "{\"prompt\":\"Hi\",\"mode\":\"later\"}".getBytes(UTF_8));
        assertTrue(unknown.contains("field 'mode' must be \"online\" or \"batch\""), unknown);
        PromptParser vertex = new PromptParser(200, Set.of(Task.GENERATE), PromptCatalog.EMPTY,
                new ParseRules(ModelPolicy.ANY, ContextGuard.OFF, Mode.ONLINE, false), 200);
        String noBatchApi = assertThrows(InvalidPromptException.class, () -> vertex.parse(null,
                "{\"prompt\":\"Hi\",\"mode\":\"batch\"}".getBytes(UTF_8), SOURCE)).getMessage();
        assertTrue(noBatchApi.contains("needs gemini.backend=gemini-api"), noBatchApi);
    }

    @Test
    void shouldUseTheKeyAsIdWhenTheObjectHasNone() {
        PromptRequest request = parse("key-id", "{\"prompt\":\"Hi\"}");
        assertEquals("key-id", request.id());
        assertNull(request.model());
        assertEquals(Set.of(Task.GENERATE), request.tasks());
    }

    @Test
    void shouldRejectANullValue() {
        assertTrue(rejection(null, null).contains("null value"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "empty | '' | empty or blank prompt",
        "blank | '   ' | empty or blank prompt",
        "broken json | '{\"prompt\": ' | invalid JSON prompt object",
        "json array after brace | '{] ' | invalid JSON prompt object",
        "trailing garbage | '{\"prompt\":\"a\"} x' | trailing content",
        "no prompt field | '{\"id\":\"x\"}' | no 'prompt' field",
        "blank prompt field | '{\"prompt\":\"  \"}' | empty or blank prompt",
        "prompt not a string | '{\"prompt\":42}' | field 'prompt' must be a string",
        "id not a string | '{\"prompt\":\"a\",\"id\":{}}' | field 'id' must be a string",
        "tasks not an array | '{\"prompt\":\"a\",\"tasks\":\"embed\"}' | field 'tasks' must be a non-empty array",
        "empty tasks | '{\"prompt\":\"a\",\"tasks\":[]}' | field 'tasks' must be a non-empty array",
        "unknown task | '{\"prompt\":\"a\",\"tasks\":[\"summarize\"]}' | unknown task \"summarize\"",
        "attributes not an object | '{\"prompt\":\"a\",\"attributes\":[1]}' | field 'attributes' must be an object",
        "jobSize not a number | '{\"prompt\":\"a\",\"jobSize\":\"ten\"}' | field 'jobSize' must be a positive whole number",
    })
    void shouldRejectBadInputWithItsReason(String name, String value, String reason) {
        String message = rejection(null, value.getBytes(UTF_8));
        assertTrue(message.contains(reason), () -> name + ": " + message);
    }

    @Test
    void shouldRejectInvalidUtf8() {
        byte[] invalid = {'h', 'i', (byte) 0xC3, (byte) 0x28};
        assertEquals("value is not valid UTF-8", rejection(null, invalid));
    }

    @Test
    void shouldRejectAValueOverTheSizeLimit() {
        String message = rejection(null, "x".repeat(201).getBytes(UTF_8));
        assertEquals("value of 201 bytes exceeds prompt.max.bytes=200", message);
    }

    @Test
    void shouldRejectDeeplyNestedJsonInsteadOfFailing() {
        String nested = "{\"prompt\":\"a\",\"attributes\":" + "{\"a\":".repeat(2000) + "1" + "}".repeat(2000) + "}";
        PromptParser lenient = new PromptParser(1_000_000, Set.of(Task.GENERATE));
        var error = assertThrows(InvalidPromptException.class,
                () -> lenient.parse(null, nested.getBytes(UTF_8), SOURCE));
        assertTrue(error.getMessage().contains("invalid JSON prompt object"), error.getMessage());
    }

    @Test
    void shouldAcceptAValueOfExactlyTheSizeLimit() {
        assertEquals("x".repeat(200), parse(null, "x".repeat(200)).prompt());
    }

    @Test
    void shouldTakeNullFieldsAsAbsent() {
        PromptRequest request = parse("key-id", """
                {"id":null,"prompt":"Hi","tasks":null,"model":null,"system":null,"job":null,"jobSize":null,
                 "attributes":null}""");
        assertEquals("key-id", request.id());
        assertEquals(Set.of(Task.GENERATE), request.tasks());
        assertNull(request.model());
        assertNull(request.system());
        assertNull(request.job());
        assertNull(request.jobSize());
        assertNull(request.attributes());
    }

    @Test
    void shouldUseTheKeyAsIdWhenTheObjectsIdIsBlank() {
        assertEquals("key-id", parse("key-id", "{\"id\":\"  \",\"prompt\":\"Hi\"}").id());
    }

    @Test
    void shouldFallBackToSourceCoordinatesForAnEmptyBlankOrBinaryKey() {
        assertEquals("prompts-2-41", parse("", "hello").id());
        assertEquals("prompts-2-41", parse("  ", "hello").id());
        byte[] binary = {(byte) 0xC3, (byte) 0x28};
        assertEquals("prompts-2-41", parser.parse(binary, "hello".getBytes(UTF_8), SOURCE).id());
    }

    @Test
    void shouldAcceptAJobSizeOfOneAndRejectZero() {
        assertEquals(1L, parse(null, "{\"prompt\":\"a\",\"job\":\"j\",\"jobSize\":1}").jobSize());
        String message = rejection(null, "{\"prompt\":\"a\",\"jobSize\":0}".getBytes(UTF_8));
        assertTrue(message.contains("field 'jobSize' must be a positive whole number"), message);
    }

    @Test
    void shouldAllowTrailingWhitespaceAfterTheObject() {
        assertEquals("a", parse(null, "{\"prompt\":\"a\"}  \n ").prompt());
    }

    @Test
    void shouldReadTheJobARejectedValueNames() {
        assertEquals(Optional.of(new PromptParser.JobMention("j1", 4L)),
                parser.jobMention("{\"job\":\"j1\",\"jobSize\":4,\"tasks\":[\"dance\"]}".getBytes(UTF_8)));
        assertEquals(Optional.of(new PromptParser.JobMention("j1", 1L)),
                parser.jobMention("{\"job\":\"j1\",\"jobSize\":1}".getBytes(UTF_8)));
    }

    @Test
    void shouldReadAJobWithoutAUsableSize() {
        for (String size : new String[] {"0", "-3", "2.5", "\"four\"", "null"}) {
            assertEquals(Optional.of(new PromptParser.JobMention("j1", null)),
                    parser.jobMention(("{\"job\":\"j1\",\"jobSize\":" + size + "}").getBytes(UTF_8)), size);
        }
        assertEquals(Optional.of(new PromptParser.JobMention("j1", null)),
                parser.jobMention("{\"job\":\"j1\"}".getBytes(UTF_8)));
    }

    @Test
    void shouldFindNoJobInAValueThatNamesNoneOrCannotBeRead() {
        assertFalse(parser.jobMention(null).isPresent());
        assertFalse(parser.jobMention("{\"prompt\":\"a\"}".getBytes(UTF_8)).isPresent());
        assertFalse(parser.jobMention("{\"job\":7}".getBytes(UTF_8)).isPresent());
        assertFalse(parser.jobMention("{\"job\":\"  \"}".getBytes(UTF_8)).isPresent());
        assertFalse(parser.jobMention("{\"job\":".getBytes(UTF_8)).isPresent());
        assertFalse(parser.jobMention("".getBytes(UTF_8)).isPresent());
        assertFalse(parser.jobMention("[1]".getBytes(UTF_8)).isPresent());
    }

    @Test
    void shouldFindNoJobInAValueOverTheSizeLimitButOneAtTheLimit() {
        String padding = " ".repeat(200 - "{\"job\":\"j1\"}".length());
        byte[] atLimit = ("{\"job\":\"j1\"}" + padding).getBytes(UTF_8);
        assertEquals(200, atLimit.length);
        assertTrue(parser.jobMention(atLimit).isPresent());
        byte[] overLimit = ("{\"job\":\"j1\"}" + padding + " ").getBytes(UTF_8);
        assertFalse(parser.jobMention(overLimit).isPresent());
    }
}

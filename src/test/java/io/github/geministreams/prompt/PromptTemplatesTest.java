package io.github.geministreams.prompt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Templates of the prompts file, through the parser that renders them. */
class PromptTemplatesTest {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("prompts", 0, 7, 1000L);
    private static final String TICKET = "Classify this support ticket into one of {{categories}}: {{text}}";

    private static PromptParser parser(Map<String, String> templates, String defaultTemplate) {
        PromptCatalog catalog = new PromptCatalog(templates, Map.of(), defaultTemplate,
                JsonNodeFactory.instance.objectNode());
        return new PromptParser(10_000, Set.of(Task.GENERATE), catalog);
    }

    private static PromptParser ticketParser() {
        return parser(Map.of("ticket", TICKET), null);
    }

    private static PromptRequest parse(PromptParser parser, String value) {
        return parser.parse(null, value.getBytes(UTF_8), SOURCE);
    }

    private static String rejection(PromptParser parser, String value) {
        return assertThrows(InvalidPromptException.class, () -> parse(parser, value)).getMessage();
    }

    @Test
    void shouldRenderTheNamedTemplateFromThePromptsOwnFieldsAndRecordItsName() {
        PromptRequest request = parse(ticketParser(), """
                {"id":"t-1","template":"ticket","categories":["billing","bug","other"],"text":"I was charged twice"}""");
        assertEquals("Classify this support ticket into one of billing, bug, other: I was charged twice", request.prompt());
        assertEquals("ticket", request.template());
        assertEquals("t-1", request.id());
    }

    @Test
    void shouldWriteFieldsWithoutHtmlEscaping() {
        PromptRequest request = parse(ticketParser(), """
                {"template":"ticket","categories":"a & b","text":"<b>\\"it's\\" broken</b> & 'why'"}""");
        assertEquals("Classify this support ticket into one of a & b: <b>\"it's\" broken</b> & 'why'", request.prompt());
    }

    @Test
    void shouldWriteNumbersBooleansAndObjectsAsJsonAndIterateSections() {
        PromptParser parser = parser(Map.of("mixed",
                "{{score}} {{urgent}} {{customer}} {{customer.name}} [{{#tags}}<{{.}}>{{/tags}}]{{^missing}} none{{/missing}}"),
                null);
        PromptRequest request = parse(parser, """
                {"template":"mixed","score":0.5,"urgent":true,"customer":{"name":"Ann","tier":2},"tags":["x","y"]}""");
        assertEquals("0.5 true {\"name\":\"Ann\",\"tier\":2} Ann [<x><y>] none", request.prompt());
    }

    @Test
    void shouldDeadLetterAPromptMissingAFieldTheTemplateUsesNamingFieldsAndTemplate() {
        assertEquals("template 'ticket' needs field 'text', missing from the prompt",
                rejection(ticketParser(), "{\"template\":\"ticket\",\"categories\":[\"a\"]}"));
        assertEquals("template 'ticket' needs fields 'categories', 'text', missing from the prompt",
                rejection(ticketParser(), "{\"template\":\"ticket\",\"categories\":null}"));
    }

    @Test
    void shouldRequireANestedFieldNamedWithDots() {
        PromptParser parser = parser(Map.of("greet", "Hello {{customer.name}}"), null);
        assertEquals("template 'greet' needs field 'customer.name', missing from the prompt",
                rejection(parser, "{\"template\":\"greet\",\"customer\":{\"tier\":1}}"));
    }

    @Test
    void shouldNotRequireFieldsUsedOnlyInsideSections() {
        PromptParser parser = parser(Map.of("notes", "Ticket{{#notes}}, note: {{body}}{{/notes}}."), null);
        assertEquals("Ticket.", parse(parser, "{\"template\":\"notes\"}").prompt());
    }

    @Test
    void shouldDeadLetterAnUnknownTemplateListingTheKnownOnes() {
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("ticket", TICKET);
        templates.put("summary", "Summarize: {{text}}");
        assertEquals("unknown template 'tickets'; the prompts file has [ticket, summary]",
                rejection(parser(templates, null), "{\"template\":\"tickets\",\"text\":\"x\"}"));
    }

    @Test
    void shouldDeadLetterAPromptWithBothPromptAndTemplate() {
        assertEquals("fields 'prompt' and 'template' are both set; a prompt has one or the other",
                rejection(ticketParser(), "{\"prompt\":\"hi\",\"template\":\"ticket\",\"categories\":\"a\",\"text\":\"b\"}"));
    }

    @Test
    void shouldDeadLetterATemplateNameThatIsNotAString() {
        assertEquals("field 'template' must be a string, was NUMBER", rejection(ticketParser(), "{\"template\":3}"));
    }

    @Test
    void shouldRenderTheDefaultTemplateForAPromptWithNeitherPromptNorTemplate() {
        PromptParser parser = parser(Map.of("ticket", TICKET), "ticket");
        PromptRequest request = parse(parser, "{\"categories\":[\"bug\"],\"text\":\"crash\"}");
        assertEquals("Classify this support ticket into one of bug: crash", request.prompt());
        assertEquals("ticket", request.template());

        PromptRequest own = parse(parser, "{\"prompt\":\"my own text\"}");
        assertEquals("my own text", own.prompt());
        assertNull(own.template());
    }

    @Test
    void shouldLeaveAPlainPromptWithoutTemplateWhenThereIsNoDefault() {
        assertEquals("JSON prompt object has no 'prompt' field (nor 'template' or 'parts')", rejection(ticketParser(), "{\"text\":\"crash\"}"));
    }

    @Test
    void shouldRenderAPartialFromAnotherTemplateOfThePromptsFile() {
        PromptParser parser = parser(Map.of("signed", "{{> ticket}} -- {{agent}}", "ticket", TICKET), null);
        assertEquals("Classify this support ticket into one of a: b -- Bo", parse(parser,
                "{\"template\":\"signed\",\"categories\":\"a\",\"text\":\"b\",\"agent\":\"Bo\"}").prompt());
        assertEquals("template 'signed' needs field 'text', missing from the prompt", rejection(parser,
                "{\"template\":\"signed\",\"categories\":\"a\",\"agent\":\"Bo\"}"));
    }

    @Test
    void shouldRenderARecursivePartialUntilItsDataEnds() {
        PromptParser parser = parser(Map.of("tree", "{{name}}{{#children}}({{> tree}}){{/children}}",
                "loop", "{{> loop}}"), null);
        assertEquals("a(b(c))(d)", parse(parser, """
                {"template":"tree","name":"a","children":[{"name":"b","children":[{"name":"c","children":[]}]},
                 {"name":"d","children":[]}]}""")
                .prompt());
        assertTrue(rejection(parser, "{\"template\":\"loop\"}").startsWith("template 'loop' cannot be rendered: "));
    }

    @Test
    void shouldNeverReadAPartialFromAFile() {
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class,
                () -> parser(Map.of("leak", "{{> /etc/hostname}}"), null));
        assertTrue(failure.getMessage().startsWith("template 'leak' does not compile: "), failure.getMessage());
    }

    @Test
    void shouldRejectThePromptsFileNamingATemplateThatDoesNotCompile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("prompts.yaml");
        Files.writeString(file, "templates:\n  ticket: \"" + TICKET + "\"\n  broken: \"Hello {{#open}} never closed\"\n");
        InvalidPromptsFileException failure = assertThrows(InvalidPromptsFileException.class, () -> PromptCatalog.fromFile(file));
        assertTrue(failure.getMessage().startsWith("Invalid prompts file " + file + ": template 'broken' does not compile: "),
                failure.getMessage());
    }

    @Test
    void shouldRenderTheShippedSampleTicketTemplate() throws IOException, URISyntaxException {
        Path sample = Path.of(getClass().getResource("/io/github/geministreams/samples/prompts.yaml").toURI());
        PromptParser parser = new PromptParser(10_000, Set.of(Task.GENERATE), PromptCatalog.fromFile(sample));
        assertEquals("Classify this support ticket into one of bug, billing: crash", parse(parser,
                "{\"template\":\"ticket\",\"categories\":[\"bug\",\"billing\"],\"text\":\"crash\"}").prompt());
    }
}

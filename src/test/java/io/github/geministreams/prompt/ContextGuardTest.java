package io.github.geministreams.prompt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.topology.PromptRules;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The context guard, through the parser the topology builds from the configuration. */
class ContextGuardTest {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("prompts", 0, 5, 1000L);

    private static PromptParser parser(String... settings) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(settings[i], settings[i + 1]);
        }
        AppConfig config = ConfigLayers.defaults().withAll(values).build();
        return new PromptParser(10_000_000, Set.of(Task.GENERATE), config.prompts(), PromptRules.of(config),
                config.pipeline().inlineDataMaxBytes());
    }

    private static PromptRequest parse(PromptParser parser, String value) {
        return parser.parse(null, value.getBytes(UTF_8), SOURCE);
    }

    private static String rejection(PromptParser parser, String value) {
        return assertThrows(InvalidPromptException.class, () -> parse(parser, value)).getMessage();
    }

    private static String embed(String text) {
        return "{\"prompt\":\"" + text + "\",\"tasks\":[\"embed\"]}";
    }

    @Test
    void shouldDeadLetterAPromptOverItsModelsLimitWithTheCountAndTheLimit() {
        // gemini-embedding-001 takes 2,048 tokens: 8,192 characters at four a token.
        PromptParser parser = parser();
        assertEquals(8_192, parse(parser, embed("a".repeat(8_192))).prompt().length());
        assertEquals("prompt has ~2,049 tokens for embed; gemini-embedding-001 accepts 2,048 input tokens "
                + "(gemini.context.overflow=dead-letter)", rejection(parser, embed("a".repeat(8_193))));
    }

    @Test
    void shouldCountTheSystemInstructionForGenerateButNotForEmbed() {
        PromptParser parser = parser("gemini.context.limits", "gemini-2.5-flash=10,gemini-embedding-001=10");
        String text = "a".repeat(36);
        assertEquals(text, parse(parser, "{\"prompt\":\"" + text + "\",\"system\":\"" + "s".repeat(4)
                + "\",\"tasks\":[\"embed\"]}").prompt());
        assertEquals("prompt has ~11 tokens for generate; gemini-2.5-flash accepts 10 input tokens "
                + "(gemini.context.overflow=dead-letter)", rejection(parser, "{\"prompt\":\"" + text
                + "\",\"system\":\"" + "s".repeat(5) + "\"}"));
    }

    @Test
    void shouldNameTheTaskWhoseLimitAPromptForBothTasksExceeds() {
        PromptParser parser = parser();
        String both = "{\"prompt\":\"" + "a".repeat(10_000) + "\",\"tasks\":[\"generate\",\"embed\"]}";
        assertEquals("prompt has ~2,500 tokens for embed; gemini-embedding-001 accepts 2,048 input tokens "
                + "(gemini.context.overflow=dead-letter)", rejection(parser, both));
    }

    @Test
    void shouldGuardPlainTextPromptsAndTheModelAPromptNames() {
        PromptParser parser = parser("gemini.context.limits", "gemini-2.5-flash=2,gemini-2.5-pro=3",
                "gemini.models.allowed", "gemini-2.5-pro");
        assertEquals("prompt has ~3 tokens for generate; gemini-2.5-flash accepts 2 input tokens "
                + "(gemini.context.overflow=dead-letter)", rejection(parser, "twelve chars"));
        assertEquals("twelve chars", parse(parser, "{\"prompt\":\"twelve chars\",\"model\":\"gemini-2.5-pro\"}").prompt());
    }

    @Test
    void shouldLetTheLimitsSettingOverrideTheTableAndAddModels() {
        assertEquals("prompt has ~2,048 tokens for embed; gemini-embedding-001 accepts 1,000 input tokens "
                        + "(gemini.context.overflow=dead-letter)",
                rejection(parser("gemini.context.limits", "gemini-embedding-001=1000"), embed("a".repeat(8_192))));
        assertEquals("prompt has ~3 tokens for generate; my-model accepts 2 input tokens "
                        + "(gemini.context.overflow=dead-letter)",
                rejection(parser("gemini.generate.model", "my-model", "gemini.context.limits", "my-model=2"),
                        "twelve chars"));
    }

    @Test
    void shouldNotGuardAModelWithoutAKnownLimit() {
        String huge = "a".repeat(5_000_000);
        assertEquals(huge, parse(parser("gemini.generate.model", "my-model"), huge).prompt());
    }

    @Test
    void shouldCutThePromptToFitAndMarkItTruncatedInTruncateMode() {
        PromptParser parser = parser("gemini.context.overflow", "truncate");
        PromptRequest request = parse(parser, embed("a".repeat(8_000) + "b".repeat(1_000)));
        assertEquals("a".repeat(8_000) + "b".repeat(192), request.prompt());
        assertTrue(request.truncated());
        assertFalse(parse(parser, embed("short")).truncated());
    }

    @Test
    void shouldCutToFitEveryTaskLeavingRoomForTheSystemInstruction() {
        PromptParser parser = parser("gemini.context.overflow", "truncate",
                "gemini.context.limits", "gemini-2.5-flash=5,gemini-embedding-001=4");
        PromptRequest request = parse(parser, "{\"prompt\":\"" + "a".repeat(40) + "\",\"system\":\"ssssssss\","
                + "\"tasks\":[\"generate\",\"embed\"]}");
        // generate: 20 characters less 8 of system = 12; embed: 16. The tighter wins.
        assertEquals("a".repeat(12), request.prompt());
        assertTrue(request.truncated());
    }

    @Test
    void shouldDeadLetterInTruncateModeWhenTheSystemInstructionAloneIsTooLong() {
        PromptParser parser = parser("gemini.context.overflow", "truncate", "gemini.context.limits", "gemini-2.5-flash=2");
        assertEquals("prompt has ~4 tokens for generate; gemini-2.5-flash accepts 2 input tokens, and its system "
                + "instruction and parts alone fill them; only 'prompt' can be truncated",
                rejection(parser, "{\"prompt\":\"hello\",\"system\":\"eight ch\"}"));
    }

    @Test
    void shouldNeverCutASurrogatePairInHalf() {
        ContextGuard guard = new ContextGuard(ContextLimits.publishedWith(Map.of("m", 1L)), ContextOverflow.TRUNCATE, "m", "m");
        PromptRequest request = new PromptRequest("id", "abc\uD83D\uDE00", Set.of(Task.GENERATE), null, null, null, null,
                null);
        assertEquals("abc", guard.apply(request).prompt());
        PromptRequest fits = new PromptRequest("id", "abcd", Set.of(Task.GENERATE), null, null, null, null, null);
        assertSame(fits, guard.apply(fits));
    }
}

package io.github.geministreams.prompt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.topology.PromptRules;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which models a prompt may name, through the parser the topology builds from the configuration. */
class ModelPolicyTest {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("prompts", 0, 3, 1000L);

    private static PromptParser parser(Map<String, String> settings) {
        AppConfig config = ConfigLayers.defaults().withAll(settings).build();
        return new PromptParser(10_000, config.pipeline().defaultTasks(), config.prompts(), PromptRules.of(config),
                config.pipeline().inlineDataMaxBytes());
    }

    private static String modelOf(PromptParser parser, String model) {
        return parser.parse(null, ("{\"prompt\":\"hi\",\"model\":\"" + model + "\"}").getBytes(UTF_8), SOURCE).model();
    }

    private static String rejection(PromptParser parser, String model) {
        return assertThrows(InvalidPromptException.class, () -> modelOf(parser, model)).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gemini-2.5-pro", "gemini-2.5-flash-lite", "my-embedder", "gemini-2.5-flash"})
    void shouldAllowTheConfiguredModelsAndTheFallbacksByDefault(String model) {
        PromptParser parser = parser(Map.of("gemini.generate.model", "gemini-2.5-pro",
                "gemini.generate.model.fallbacks", "gemini-2.5-flash-lite,gemini-2.5-flash",
                "gemini.embed.model", "my-embedder"));
        assertEquals(model, modelOf(parser, model));
    }

    @Test
    void shouldDeadLetterAnyOtherModelWithTheList() {
        PromptParser parser = parser(Map.of("gemini.generate.model.fallbacks", "gemini-2.5-flash-lite"));
        assertEquals("model 'gemini-ultra-9000' is not allowed; prompts may name "
                        + "[gemini-2.5-flash, gemini-embedding-001, gemini-2.5-flash-lite] (gemini.models.allowed)",
                rejection(parser, "gemini-ultra-9000"));
    }

    @Test
    void shouldAllowOnlyTheExplicitListWhenOneIsSet() {
        PromptParser parser = parser(Map.of("gemini.models.allowed", "gemini-2.5-pro, gemini-2.0-flash"));
        assertEquals("gemini-2.0-flash", modelOf(parser, "gemini-2.0-flash"));
        assertEquals("model 'gemini-2.5-flash' is not allowed; prompts may name [gemini-2.5-pro, gemini-2.0-flash] "
                + "(gemini.models.allowed)", rejection(parser, "gemini-2.5-flash"));
    }

    @Test
    void shouldLetAPromptThatNamesNoModelUseTheConfiguredOne() {
        PromptParser parser = parser(Map.of("gemini.models.allowed", "gemini-2.5-pro"));
        assertEquals(null, parser.parse(null, "{\"prompt\":\"hi\"}".getBytes(UTF_8), SOURCE).model());
        assertEquals(null, parser.parse(null, "plain text".getBytes(UTF_8), SOURCE).model());
    }
}

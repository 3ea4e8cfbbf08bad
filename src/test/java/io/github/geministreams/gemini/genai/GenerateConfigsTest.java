package io.github.geministreams.gemini.genai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.HarmBlockThreshold;
import com.google.genai.types.HarmCategory;
import com.google.genai.types.ThinkingLevel;
import io.github.geministreams.model.GenerationSettings.SafetySetting;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.serde.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** GenerationSettings into the SDK's GenerateContentConfig, field by field. */
class GenerateConfigsTest {
    private static final GenerationSettings ALL = new GenerationSettings(0.7, 0.95, 40, 512, List.of("END"), 1024,
            null, List.of(new SafetySetting("HARM_CATEGORY_HATE_SPEECH", "BLOCK_LOW_AND_ABOVE")), Map.of("team", "a"),
            "application/json", Json.MAPPER.createObjectNode().put("type", "string"), "word");

    @Test
    void shouldMapEverySetting() {
        GenerateContentConfig config = GenerateConfigs.of(ALL, "Be brief.", true);
        assertEquals(Optional.of(0.7f), config.temperature());
        assertEquals(Optional.of(0.95f), config.topP());
        assertEquals(Optional.of(40f), config.topK());
        assertEquals(Optional.of(512), config.maxOutputTokens());
        assertEquals(Optional.of(List.of("END")), config.stopSequences());
        assertEquals(Optional.of(1024), config.thinkingConfig().orElseThrow().thinkingBudget());
        assertTrue(config.thinkingConfig().orElseThrow().thinkingLevel().isEmpty());
        var safety = config.safetySettings().orElseThrow();
        assertEquals(1, safety.size());
        assertEquals(new HarmCategory(HarmCategory.Known.HARM_CATEGORY_HATE_SPEECH), safety.get(0).category().orElseThrow());
        assertEquals(new HarmBlockThreshold(HarmBlockThreshold.Known.BLOCK_LOW_AND_ABOVE),
                safety.get(0).threshold().orElseThrow());
        assertEquals(Optional.of(Map.of("team", "a")), config.labels());
        assertEquals(Optional.of("application/json"), config.responseMimeType());
        assertEquals(Optional.of(ALL.responseJsonSchema()), config.responseJsonSchema());
        assertEquals("Be brief.", config.systemInstruction().orElseThrow().text());
    }

    @Test
    void shouldMapAThinkingLevel() {
        GenerationSettings level = new GenerationSettings(null, null, null, null, null, null, "LOW", null, null, null,
                null, null);
        var thinking = GenerateConfigs.of(level, null, false).thinkingConfig().orElseThrow();
        assertEquals(new ThinkingLevel(ThinkingLevel.Known.LOW), thinking.thinkingLevel().orElseThrow());
        assertTrue(thinking.thinkingBudget().isEmpty());
    }

    @Test
    void shouldSendLabelsToVertexAiOnly() {
        assertTrue(GenerateConfigs.of(ALL, null, false).labels().isEmpty(),
                "the SDK refuses labels for the Gemini Developer API");
    }

    @Test
    void shouldLeaveEveryUnsetValueToTheModel() {
        assertEquals(GenerateContentConfig.builder().build(), GenerateConfigs.of(GenerationSettings.NONE, null, false));
    }
}

package io.github.geministreams.topology.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.model.PromptPart;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CacheKeyTest {
    private static final AppConfig.GeminiSettings GEMINI = ConfigLayers.defaults()
            .withAll(Map.of("gemini.embed.dimensions", "768")).build().gemini();

    private static PromptRequest prompt(String text, String model, String system, List<PromptPart> parts,
                                        GenerationSettings generation) {
        return new PromptRequest("id-" + text.length(), text, Set.of(Task.EMBED, Task.GENERATE), model, system,
                null, null, null, parts, generation, null);
    }

    private static GenerationSettings temperature(Double temperature, Map<String, String> labels) {
        return new GenerationSettings(temperature, null, null, null, null, null, null, null, labels, null, null, null);
    }

    @Test
    void shouldBeTheSameHexSha256ForTheSameEmbedRequest() {
        String key = CacheKey.embed("gemini-embedding-001", 768, "RETRIEVAL_DOCUMENT", "a text");
        assertEquals(key, CacheKey.embed("gemini-embedding-001", 768, "RETRIEVAL_DOCUMENT", "a text"));
        assertTrue(key.matches("[0-9a-f]{64}"), key);
        // Pinned: the SHA-256 of the JSON array ["embed",model,dimensions,taskType,text], computed
        // elsewhere. A key that changed between versions would empty every instance's cache.
        assertEquals("c16b0f4db5add42a60cc5fb7c8fa9724dd74c97abdc2ce2e3747eff92611c567", key);
    }

    @Test
    void shouldChangeWithEachFieldOfAnEmbedRequest() {
        Set<String> keys = new HashSet<>(List.of(
                CacheKey.embed("gemini-embedding-001", 768, "RETRIEVAL_DOCUMENT", "a text"),
                CacheKey.embed("text-embedding-004", 768, "RETRIEVAL_DOCUMENT", "a text"),
                CacheKey.embed("gemini-embedding-001", 256, "RETRIEVAL_DOCUMENT", "a text"),
                CacheKey.embed("gemini-embedding-001", 768, "RETRIEVAL_QUERY", "a text"),
                CacheKey.embed("gemini-embedding-001", 768, null, "a text"),
                CacheKey.embed("gemini-embedding-001", 768, "RETRIEVAL_DOCUMENT", "a text."),
                // Fields hashed as a JSON array: moving characters between fields changes the key.
                CacheKey.embed("gemini-embedding-001", 768, "RETRIEVAL_DOCUMENTa", " text")));
        assertEquals(7, keys.size(), keys.toString());
    }

    @Test
    void shouldChangeWithEachFieldOfAGenerateRequest() {
        GenerationSettings cold = temperature(0.0, null);
        Set<String> keys = new HashSet<>(List.of(
                CacheKey.generate("gemini-2.5-flash", prompt("q", null, "be brief", null, cold)),
                CacheKey.generate("gemini-2.0-flash", prompt("q", null, "be brief", null, cold)),
                CacheKey.generate("gemini-2.5-flash", prompt("q", null, "be long", null, cold)),
                CacheKey.generate("gemini-2.5-flash", prompt("q", null, null, null, cold)),
                CacheKey.generate("gemini-2.5-flash", prompt("q2", null, "be brief", null, cold)),
                CacheKey.generate("gemini-2.5-flash", prompt("q", null, "be brief",
                        List.of(PromptPart.ofText("q"), new PromptPart(null,
                                new PromptPart.InlineData("image/png", "AAAA"), null)), cold)),
                CacheKey.generate("gemini-2.5-flash", prompt("q", null, "be brief", null, temperature(0.5, null))),
                CacheKey.generate("gemini-2.5-flash", prompt("q", null, "be brief", null, GenerationSettings.NONE))));
        assertEquals(8, keys.size(), keys.toString());
    }

    @Test
    void shouldNotDependOnTheOrderOfMapEntriesInTheSettings() {
        Map<String, String> ab = new LinkedHashMap<>();
        ab.put("a", "1");
        ab.put("b", "2");
        Map<String, String> ba = new LinkedHashMap<>();
        ba.put("b", "2");
        ba.put("a", "1");
        assertEquals(CacheKey.generate("m", prompt("q", null, null, null, temperature(null, ab))),
                CacheKey.generate("m", prompt("q", null, null, null, temperature(null, ba))));
    }

    @Test
    void shouldKeyATaskByTheModelItIsSentTo() {
        PromptRequest defaults = prompt("q", null, null, null, GenerationSettings.NONE);
        PromptRequest named = prompt("q", GEMINI.embedModel(), null, null, GenerationSettings.NONE);
        assertEquals(CacheKey.of(Task.EMBED, defaults, GEMINI), CacheKey.of(Task.EMBED, named, GEMINI));
        assertEquals(CacheKey.embed(GEMINI.embedModel(), 768, GEMINI.embedTaskType().orElse(null), "q"),
                CacheKey.of(Task.EMBED, defaults, GEMINI));
        assertNotEquals(CacheKey.of(Task.EMBED, defaults, GEMINI), CacheKey.of(Task.GENERATE, defaults, GEMINI));
        assertEquals(CacheKey.generate(GEMINI.generateModel(), defaults), CacheKey.of(Task.GENERATE, defaults, GEMINI));
    }
}

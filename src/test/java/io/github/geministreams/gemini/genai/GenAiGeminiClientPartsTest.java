package io.github.geministreams.gemini.genai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.model.PromptPart;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Multimodal parts through our client and the real SDK to the simulator, over HTTP. */
class GenAiGeminiClientPartsTest {
    private final GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().build());
    private final GenAiGeminiClient client = new GenAiGeminiClient(
            new GenAiSettings(simulator.config().apiKey(), simulator.baseUrl(), 4, Duration.ofSeconds(10), 1));

    @AfterEach
    void close() {
        client.close();
        simulator.close();
    }

    @Test
    void shouldDeliverAnImageAndAFileIntactAndGetThemAnswered() throws Exception {
        byte[] image = new byte[300];
        for (int i = 0; i < image.length; i++) {
            image[i] = (byte) (i * 7);
        }
        List<PromptPart> parts = List.of(
                PromptPart.ofText("What is in these?"),
                new PromptPart(null, new PromptPart.InlineData("image/png", Base64.getEncoder().encodeToString(image)), null),
                new PromptPart(null, null, new PromptPart.FileData("application/pdf", "gs://bucket/report.pdf")));
        GenerateResult result = client.generate(new GenerateRequest("gemini-2.5-flash", "What is in these?", null,
                parts, GenerationSettings.NONE)).get(10, TimeUnit.SECONDS);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image), 0, 4);
        assertEquals("Simulated answer to: What is in these? [image/png, 300 bytes, sha256 " + sha256 + "] "
                + "[application/pdf, gs://bucket/report.pdf]", result.text());
        // The text's tokens plus 258 for each of the two media parts.
        assertEquals(GeminiSimulator.tokens("What is in these?") + 2 * 258, result.usage().promptTokens());
    }

    @Test
    void shouldAnswerAnImageWithoutText() throws Exception {
        List<PromptPart> parts = List.of(new PromptPart(null, new PromptPart.InlineData("image/jpeg", "/9j/4A=="), null));
        GenerateResult result = client.generate(new GenerateRequest("gemini-2.5-flash", "[image/jpeg, 4 bytes]", null,
                parts, GenerationSettings.NONE)).get(10, TimeUnit.SECONDS);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0}), 0, 4);
        assertEquals("Simulated answer to: [image/jpeg, 4 bytes, sha256 " + sha256 + "]", result.text());
        assertEquals(258, result.usage().promptTokens());
    }
}

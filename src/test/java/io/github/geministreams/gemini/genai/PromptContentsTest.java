package io.github.geministreams.gemini.genai;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.model.PromptPart;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptContentsTest {
    @Test
    void shouldSendATextPromptAsOneUserTextPart() {
        Content content = PromptContents.of(new GenerateRequest("m", "Hello", null));
        assertEquals("user", content.role().orElseThrow());
        assertEquals(List.of(Part.fromText("Hello")), content.parts().orElseThrow());
    }

    @Test
    void shouldSendEveryPartInOrderWithDecodedBytes() {
        List<PromptPart> parts = List.of(
                PromptPart.ofText("What is this?"),
                new PromptPart(null, new PromptPart.InlineData("image/png", "AQID/w=="), null),
                new PromptPart(null, null, new PromptPart.FileData("application/pdf", "gs://b/r.pdf")));
        Content content = PromptContents.of(new GenerateRequest("m", "What is this?\n[image/png, 4 bytes]\n"
                + "[application/pdf, gs://b/r.pdf]", null, parts, GenerationSettings.NONE));
        assertEquals("user", content.role().orElseThrow());
        List<Part> sent = content.parts().orElseThrow();
        assertEquals(3, sent.size());
        assertEquals("What is this?", sent.get(0).text().orElseThrow());
        assertArrayEquals(new byte[] {1, 2, 3, (byte) 0xFF}, sent.get(1).inlineData().orElseThrow().data().orElseThrow());
        assertEquals("image/png", sent.get(1).inlineData().orElseThrow().mimeType().orElseThrow());
        assertEquals("gs://b/r.pdf", sent.get(2).fileData().orElseThrow().fileUri().orElseThrow());
        assertEquals("application/pdf", sent.get(2).fileData().orElseThrow().mimeType().orElseThrow());
    }
}

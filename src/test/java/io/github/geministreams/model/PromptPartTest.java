package io.github.geministreams.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.geministreams.serde.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parts survive the JSON of the pending store as the API names them. */
class PromptPartTest {
    @Test
    void shouldRoundTripEveryKindOfPartInTheApisShape() throws Exception {
        List<PromptPart> parts = List.of(
                PromptPart.ofText("look"),
                new PromptPart(null, new PromptPart.InlineData("image/png", "AQID"), null),
                new PromptPart(null, null, new PromptPart.FileData("application/pdf", "gs://b/r.pdf")));
        String json = Json.MAPPER.writeValueAsString(parts);
        assertEquals("[{\"text\":\"look\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AQID\"}},"
                + "{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":\"gs://b/r.pdf\"}}]", json);
        assertEquals(parts, List.of(Json.MAPPER.readValue(json, PromptPart[].class)));
    }
}

package io.github.geministreams.prompt;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.geministreams.model.PromptPart;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A prompt's {@code parts}, through {@link PromptParser} as the topology uses it. */
class PromptPartsParserTest {
    private static final SourceCoordinates SOURCE = new SourceCoordinates("prompts", 0, 7, 1000L);
    /** Inline data of up to 4 bytes, decoded. */
    private final PromptParser parser = new PromptParser(10_000, Set.of(Task.GENERATE), PromptCatalog.EMPTY, ParseRules.NONE, 4);

    private PromptRequest parse(String value) {
        return parser.parse(null, value.getBytes(UTF_8), SOURCE);
    }

    private String rejection(String value) {
        return assertThrows(InvalidPromptException.class, () -> parse(value)).getMessage();
    }

    @Test
    void shouldReadEveryKindOfPartInOrder() {
        PromptRequest request = parse("""
                {"parts":[{"text":"What is in these?"},
                          {"inlineData":{"mimeType":"image/png","data":"AQID"}},
                          {"fileData":{"mimeType":"application/pdf","fileUri":"gs://bucket/report.pdf"}}]}""");
        assertEquals(List.of(
                PromptPart.ofText("What is in these?"),
                new PromptPart(null, new PromptPart.InlineData("image/png", "AQID"), null),
                new PromptPart(null, null, new PromptPart.FileData("application/pdf", "gs://bucket/report.pdf"))),
                request.parts());
        assertEquals("What is in these?\n[image/png, 3 bytes]\n[application/pdf, gs://bucket/report.pdf]",
                request.prompt());
    }

    @Test
    void shouldPutThePromptFirstAsATextPart() {
        PromptRequest request = parse("""
                {"prompt":"Describe:","parts":[{"inlineData":{"mimeType":"image/jpeg","data":"/9j/"}}]}""");
        assertEquals(PromptPart.ofText("Describe:"), request.parts().get(0));
        assertEquals("image/jpeg", request.parts().get(1).inlineData().mimeType());
        assertEquals("Describe:\n[image/jpeg, 3 bytes]", request.prompt());
    }

    @Test
    void shouldEmbedTheJoinedTextOfTextParts() {
        PromptRequest request = parse("""
                {"prompt":"one","parts":[{"text":"two"},{"text":"three"}],"tasks":["embed"]}""");
        assertEquals("one\ntwo\nthree", request.prompt());
        assertEquals(Set.of(Task.EMBED), request.tasks());
    }

    @Test
    void shouldKeepPartsAbsentForATextPrompt() {
        assertNull(parse("{\"prompt\":\"hi\"}").parts());
    }

    @Test
    void shouldAcceptInlineDataOfExactlyTheLimit() {
        // "AQIDBA==" is 4 bytes decoded.
        assertEquals("[application/octet-stream, 4 bytes]",
                parse("{\"parts\":[{\"inlineData\":{\"mimeType\":\"application/octet-stream\",\"data\":\"AQIDBA==\"}}]}")
                        .prompt());
    }

    @Test
    void shouldRejectEmbedOfAnImagePrompt() {
        assertEquals("embed takes text only; parts[1] is inlineData image/png", rejection("""
                {"parts":[{"text":"a cat"},{"inlineData":{"mimeType":"image/png","data":"AQID"}}],
                 "tasks":["generate","embed"]}"""));
        assertEquals("embed takes text only; parts[0] is fileData application/pdf gs://b/r.pdf", rejection("""
                {"prompt":"x","parts":[{"fileData":{"mimeType":"application/pdf","fileUri":"gs://b/r.pdf"}}],
                 "tasks":["embed"]}"""));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "not an array | '{\"parts\":{\"text\":\"a\"}}' | field 'parts' must be a non-empty array of parts; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "empty array | '{\"parts\":[]}' | field 'parts' must be a non-empty array of parts; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "part not an object | '{\"parts\":[\"a\"]}' | parts[0] must be an object; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "empty part | '{\"parts\":[{\"text\":\"a\"},{}]}' | parts[1] is empty; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "unknown key | '{\"parts\":[{\"image\":\"a\"}]}' | parts[0] has unknown field 'image'; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "snake case | '{\"parts\":[{\"inline_data\":{}}]}' | parts[0] has unknown field 'inline_data'; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "two kinds | '{\"parts\":[{\"text\":\"a\",\"fileData\":{\"mimeType\":\"a/b\",\"fileUri\":\"gs://b/f\"}}]}' | parts[0] has both 'text' and 'fileData'; a part is exactly one of 'text', 'inlineData', 'fileData'",
        "text not a string | '{\"parts\":[{\"text\":7}]}' | parts[0].text must be a string, was NUMBER",
        "blank text | '{\"parts\":[{\"text\":\" \"}]}' | parts[0].text is blank",
        "blank prompt beside parts | '{\"prompt\":\"\",\"parts\":[{\"text\":\"a\"}]}' | field 'prompt' is blank; leave it out when 'parts' gives the content",
        "inlineData not an object | '{\"parts\":[{\"inlineData\":\"AQID\"}]}' | parts[0].inlineData must be an object with data and mimeType",
        "inlineData unknown key | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AQID\",\"name\":\"x\"}}]}' | parts[0].inlineData has unknown field 'name'; expected data and mimeType",
        "missing mimeType | '{\"parts\":[{\"inlineData\":{\"data\":\"AQID\"}}]}' | parts[0].inlineData.mimeType is missing",
        "blank mimeType | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"\",\"data\":\"AQID\"}}]}' | parts[0].inlineData.mimeType is blank",
        "malformed mimeType | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"png\",\"data\":\"AQID\"}}]}' | parts[0].inlineData.mimeType 'png' is not a MIME type (type/subtype)",
        "wildcard mimeType | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/*\",\"data\":\"AQID\"}}]}' | parts[0].inlineData.mimeType 'image/*' must name one type, not a wildcard",
        "missing data | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\"}}]}' | parts[0].inlineData.data is missing",
        "invalid base64 | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AQ*D\"}}]}' | parts[0].inlineData.data is not valid base64: Illegal base64 character 2a",
        "over the limit | '{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AQIDBAU=\"}}]}' | parts[0].inlineData.data is 5 bytes decoded, over prompt.inline.data.max.bytes=4",
        "fileData unknown key | '{\"parts\":[{\"fileData\":{\"mimeType\":\"a/b\",\"uri\":\"gs://b/f\"}}]}' | parts[0].fileData has unknown field 'uri'; expected fileUri and mimeType",
        "fileData missing mimeType | '{\"parts\":[{\"fileData\":{\"fileUri\":\"gs://b/f\"}}]}' | parts[0].fileData.mimeType is missing",
        "missing fileUri | '{\"parts\":[{\"fileData\":{\"mimeType\":\"application/pdf\"}}]}' | parts[0].fileData.fileUri is missing",
        "relative fileUri | '{\"parts\":[{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":\"reports/q3.pdf\"}}]}' | parts[0].fileData.fileUri 'reports/q3.pdf' is not an absolute URI (such as gs://bucket/file or https://...)",
        "fileUri not a URI | '{\"parts\":[{\"fileData\":{\"mimeType\":\"application/pdf\",\"fileUri\":\"gs://b/a b.pdf\"}}]}' | parts[0].fileData.fileUri is not a URI: Illegal character in path at index 8: gs://b/a b.pdf",
    })
    void shouldRejectABadPartWithItsIndexAndField(String name, String value, String reason) {
        assertEquals(reason, rejection(value), name);
    }
}

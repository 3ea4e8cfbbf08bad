package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One part of a multimodal prompt, as the Gemini API names it: exactly one of {@code text},
 * {@code inlineData} (base64 bytes with a MIME type) or {@code fileData} (a file URI with a
 * MIME type) is set.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptPart(String text, InlineData inlineData, FileData fileData) {

    public static PromptPart ofText(String text) {
        return new PromptPart(text, null, null);
    }

    /** True for a text part: the only kind an embedding can be made of. */
    @JsonIgnore // else Jackson writes it as the part's "text" (true), over the text itself
    public boolean isText() {
        return text != null;
    }

    /** Bytes carried in the prompt record, base64-encoded in {@code data}. */
    public record InlineData(String mimeType, String data) {
    }

    /** A file Gemini reads itself, such as a {@code gs://} or Files API URI. */
    public record FileData(String mimeType, String fileUri) {
    }
}

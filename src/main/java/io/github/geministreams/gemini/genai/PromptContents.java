package io.github.geministreams.gemini.genai;

import com.google.genai.types.Content;
import com.google.genai.types.Part;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.model.PromptPart;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The SDK {@link Content} of a generate request: the user's turn, made of the request's parts
 * (text, inline bytes, file URIs) in order, or of its prompt text when it has none.
 */
final class PromptContents {
    private static final String USER = "user";

    private PromptContents() {
    }

    static Content of(GenerateRequest request) {
        if (request.parts() == null) {
            return Content.builder().role(USER).parts(List.of(Part.fromText(request.prompt()))).build();
        }
        List<Part> parts = new ArrayList<>(request.parts().size());
        for (PromptPart part : request.parts()) {
            parts.add(toSdk(part));
        }
        return Content.builder().role(USER).parts(parts).build();
    }

    private static Part toSdk(PromptPart part) {
        if (part.isText()) {
            return Part.fromText(part.text());
        }
        if (part.inlineData() != null) {
            // The parser has checked the base64; the SDK takes the bytes and encodes them again on the wire.
            return Part.fromBytes(Base64.getDecoder().decode(part.inlineData().data()), part.inlineData().mimeType());
        }
        return Part.fromUri(part.fileData().fileUri(), part.fileData().mimeType());
    }
}

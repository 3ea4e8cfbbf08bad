package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.support.Sha256;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code contents} of a generateContent request, read and checked as the API does:
 * text parts, {@code inlineData} (a MIME type and base64 bytes) and {@code fileData} (a MIME
 * type and a file URI). A malformed part is a 400 INVALID_ARGUMENT naming its field.
 *
 * <p>Each non-text part is described in the answer as {@code [image/png, 68 bytes, sha256
 * 1a2b3c4d]} (inline: the decoded size and the first 8 hex digits of its SHA-256, so that a
 * test sees the bytes arrived intact) or {@code [application/pdf, gs://b/f.pdf]} (file).
 * It counts {@value #TOKENS_PER_MEDIA_PART} prompt tokens, what the API counts for an image
 * up to 384 pixels a side or a document page.
 *
 * @param text  the text parts, one per line
 * @param media the descriptions of the other parts, in order
 */
record GenerateContents(String text, List<String> media) {
    static final long TOKENS_PER_MEDIA_PART = 258;
    private static final Pattern MIME_TYPE = Pattern.compile("[\\w.+-]+/[\\w.+-]+(\\s*;.*)?");

    GenerateContents {
        media = List.copyOf(media);
    }

    /** Reads a Content object, or an array of them. */
    static GenerateContents read(JsonNode contents) {
        List<String> texts = new ArrayList<>();
        List<String> media = new ArrayList<>();
        if (contents.isArray()) {
            for (int c = 0; c < contents.size(); c++) {
                readParts(contents.get(c).path("parts"), "contents[" + c + "]", texts, media);
            }
        } else if (contents.isObject()) {
            readParts(contents.path("parts"), "contents[0]", texts, media);
        }
        return new GenerateContents(String.join("\n", texts), media);
    }

    /** True when there is nothing to answer: no text and no other part. */
    boolean isEmpty() {
        return text.isBlank() && media.isEmpty();
    }

    /** What the answer repeats: the text's first {@code textChars} characters, then the media descriptions. */
    String summary(int textChars) {
        List<String> shown = new ArrayList<>(media.size() + 1);
        if (!text.isEmpty()) {
            shown.add(text.substring(0, Math.min(text.length(), textChars)));
        }
        shown.addAll(media);
        return String.join(" ", shown);
    }

    /** Prompt tokens: the text's, plus {@value #TOKENS_PER_MEDIA_PART} per other part. */
    long tokens() {
        return (text.isEmpty() ? 0 : ModelEndpoints.tokens(text)) + TOKENS_PER_MEDIA_PART * media.size();
    }

    private static void readParts(JsonNode parts, String path, List<String> texts, List<String> media) {
        for (int p = 0; p < parts.size(); p++) {
            JsonNode part = parts.get(p);
            String at = path + ".parts[" + p + "]";
            if (part.path("text").isTextual()) {
                texts.add(part.get("text").asText());
            } else if (part.has("inlineData")) {
                media.add(inlineData(part.get("inlineData"), at + ".inline_data"));
            } else if (part.has("fileData")) {
                media.add(fileData(part.get("fileData"), at + ".file_data"));
            }
        }
    }

    private static String inlineData(JsonNode blob, String at) {
        String mimeType = mimeType(blob, at);
        String data = required(blob, "data", at);
        byte[] bytes;
        try {
            bytes = decode(data);
        } catch (IllegalArgumentException e) {
            throw invalid("Invalid value at '" + at + ".data' (TYPE_BYTES), "
                    + "Base64 decoding failed for \"" + abbreviate(data) + "\"");
        }
        return "[" + mimeType + ", " + bytes.length + " bytes, sha256 " + sha256Prefix(bytes) + "]";
    }

    private static String fileData(JsonNode file, String at) {
        String mimeType = mimeType(file, at);
        return "[" + mimeType + ", " + required(file, "fileUri", at, "file_uri") + "]";
    }

    private static String mimeType(JsonNode part, String at) {
        String mimeType = required(part, "mimeType", at, "mime_type");
        if (!MIME_TYPE.matcher(mimeType).matches()) {
            throw invalid("* GenerateContentRequest." + at + ".mime_type: Unsupported MIME type: " + mimeType);
        }
        return mimeType;
    }

    private static String required(JsonNode node, String field, String at) {
        return required(node, field, at, field);
    }

    private static String required(JsonNode node, String field, String at, String wireName) {
        JsonNode value = node.path(field);
        if (!value.isTextual() || value.asText().isBlank()) {
            throw invalid("* GenerateContentRequest." + at + "." + wireName + ": " + wireName + " is not specified");
        }
        return value.asText();
    }

    /** Protobuf's JSON form of bytes: standard or URL-safe base64. */
    private static byte[] decode(String data) {
        try {
            return Base64.getDecoder().decode(data);
        } catch (IllegalArgumentException notStandard) {
            return Base64.getUrlDecoder().decode(data);
        }
    }

    static String sha256Prefix(byte[] bytes) {
        return Sha256.hex(bytes).substring(0, 8);
    }

    private static String abbreviate(String data) {
        return data.length() <= 20 ? data : data.substring(0, 20) + "...";
    }

    private static GeminiRequestException invalid(String message) {
        return new GeminiRequestException(ApiError.invalidArgument(message));
    }
}

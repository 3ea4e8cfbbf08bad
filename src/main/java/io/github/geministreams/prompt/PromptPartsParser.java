package io.github.geministreams.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.MediaType;
import io.github.geministreams.model.PromptPart;
import io.github.geministreams.model.Task;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Reads a prompt's {@code parts}: a non-empty array of objects, each exactly one of
 * {@code {"text"}}, {@code {"inlineData":{"mimeType","data"}}} (base64) or
 * {@code {"fileData":{"mimeType","fileUri"}}}, as the Gemini API names them. Every reason
 * names the part by its index in the record's array, {@code parts[i]}, and the field.
 *
 * <p>When the object also has {@code prompt}, it becomes the first text part. The prompt's
 * readable text ({@link #text}) is what the output records carry and what an embedding is
 * made of. Stateless and thread-safe.
 */
public final class PromptPartsParser {
    private static final String KINDS = "a part is exactly one of 'text', 'inlineData', 'fileData'";
    private static final Set<String> INLINE_FIELDS = Set.of("mimeType", "data");
    private static final Set<String> FILE_FIELDS = Set.of("mimeType", "fileUri");

    private final int inlineDataMaxBytes;

    /** @param inlineDataMaxBytes the largest inline data, decoded ({@code prompt.inline.data.max.bytes}) */
    public PromptPartsParser(int inlineDataMaxBytes) {
        this.inlineDataMaxBytes = inlineDataMaxBytes;
    }

    /**
     * The prompt's parts, {@code prompt} (if not null) first as a text part; null when the
     * object has no {@code parts} field.
     *
     * @throws InvalidPromptException for a malformed part, a blank {@code prompt} beside
     *         {@code parts}, or a non-text part in a prompt that asks for {@code embed}
     */
    public List<PromptPart> parse(JsonNode parts, String prompt, Set<Task> tasks) {
        if (parts == null || parts.isNull()) {
            return null;
        }
        if (!parts.isArray() || parts.isEmpty()) {
            throw new InvalidPromptException("field 'parts' must be a non-empty array of parts; " + KINDS);
        }
        List<PromptPart> result = new ArrayList<>(parts.size() + 1);
        if (prompt != null) {
            if (prompt.isBlank()) {
                throw new InvalidPromptException("field 'prompt' is blank; leave it out when 'parts' gives the content");
            }
            result.add(PromptPart.ofText(prompt));
        }
        for (int i = 0; i < parts.size(); i++) {
            PromptPart part = part(parts.get(i), "parts[" + i + "]");
            if (!part.isText() && tasks.contains(Task.EMBED)) {
                throw new InvalidPromptException("embed takes text only; parts[" + i + "] is " + describe(part));
            }
            result.add(part);
        }
        return result;
    }

    /**
     * The readable text of parts: text parts as they are and other parts as a bracketed
     * description ({@code [image/png, 68 bytes]}, {@code [application/pdf, gs://b/f.pdf]}),
     * one per line, in order. For text-only parts this is their text joined by newlines.
     */
    public static String text(List<PromptPart> parts) {
        StringJoiner text = new StringJoiner("\n");
        for (PromptPart part : parts) {
            if (part.isText()) {
                text.add(part.text());
            } else if (part.inlineData() != null) {
                text.add("[" + part.inlineData().mimeType() + ", " + decodedSize(part.inlineData().data()) + " bytes]");
            } else {
                text.add("[" + part.fileData().mimeType() + ", " + part.fileData().fileUri() + "]");
            }
        }
        return text.toString();
    }

    private PromptPart part(JsonNode node, String path) {
        if (!node.isObject()) {
            throw new InvalidPromptException(path + " must be an object; " + KINDS);
        }
        String kind = null;
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("text") && !name.equals("inlineData") && !name.equals("fileData")) {
                throw new InvalidPromptException(path + " has unknown field '" + name + "'; " + KINDS);
            }
            if (kind != null) {
                throw new InvalidPromptException(path + " has both '" + kind + "' and '" + name + "'; " + KINDS);
            }
            kind = name;
        }
        if (kind == null) {
            throw new InvalidPromptException(path + " is empty; " + KINDS);
        }
        return switch (kind) {
            case "text" -> PromptPart.ofText(text(node.get(kind), path + ".text"));
            case "inlineData" -> new PromptPart(null, inlineData(node.get(kind), path + ".inlineData"), null);
            default -> new PromptPart(null, null, fileData(node.get(kind), path + ".fileData"));
        };
    }

    private PromptPart.InlineData inlineData(JsonNode node, String path) {
        requireFields(node, path, INLINE_FIELDS);
        String mimeType = mimeType(node, path);
        String data = text(node.get("data"), path + ".data");
        int size;
        try {
            size = Base64.getDecoder().decode(data).length;
        } catch (IllegalArgumentException e) {
            throw new InvalidPromptException(path + ".data is not valid base64: " + e.getMessage());
        }
        if (size > inlineDataMaxBytes) {
            throw new InvalidPromptException(path + ".data is " + size + " bytes decoded, over "
                    + "prompt.inline.data.max.bytes=" + inlineDataMaxBytes);
        }
        return new PromptPart.InlineData(mimeType, data);
    }

    private static PromptPart.FileData fileData(JsonNode node, String path) {
        requireFields(node, path, FILE_FIELDS);
        String mimeType = mimeType(node, path);
        String fileUri = text(node.get("fileUri"), path + ".fileUri");
        try {
            if (!new URI(fileUri).isAbsolute()) {
                throw new InvalidPromptException(path + ".fileUri '" + fileUri
                        + "' is not an absolute URI (such as gs://bucket/file or https://...)");
            }
        } catch (URISyntaxException e) {
            throw new InvalidPromptException(path + ".fileUri is not a URI: " + e.getMessage());
        }
        return new PromptPart.FileData(mimeType, fileUri);
    }

    /** An object with no field but {@code allowed}. */
    private static void requireFields(JsonNode node, String path, Set<String> allowed) {
        if (node == null || !node.isObject()) {
            throw new InvalidPromptException(path + " must be an object with " + String.join(" and ", sorted(allowed)));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new InvalidPromptException(path + " has unknown field '" + name + "'; expected "
                        + String.join(" and ", sorted(allowed)));
            }
        }
    }

    /** A concrete MIME type ({@code type/subtype}), parsed by Guava's RFC 2045 parser. */
    private static String mimeType(JsonNode node, String path) {
        String mimeType = text(node.get("mimeType"), path + ".mimeType");
        MediaType parsed;
        try {
            parsed = MediaType.parse(mimeType);
        } catch (IllegalArgumentException e) {
            throw new InvalidPromptException(path + ".mimeType '" + mimeType + "' is not a MIME type (type/subtype)");
        }
        if (parsed.hasWildcard()) {
            throw new InvalidPromptException(path + ".mimeType '" + mimeType + "' must name one type, not a wildcard");
        }
        return mimeType;
    }

    /** A field that must be a non-blank string. */
    private static String text(JsonNode value, String path) {
        if (value == null || value.isNull()) {
            throw new InvalidPromptException(path + " is missing");
        }
        if (!value.isTextual()) {
            throw new InvalidPromptException(path + " must be a string, was " + value.getNodeType());
        }
        if (value.asText().isBlank()) {
            throw new InvalidPromptException(path + " is blank");
        }
        return value.asText();
    }

    private static String describe(PromptPart part) {
        return part.inlineData() != null
                ? "inlineData " + part.inlineData().mimeType()
                : "fileData " + part.fileData().mimeType() + " " + part.fileData().fileUri();
    }

    private static int decodedSize(String base64) {
        return Base64.getDecoder().decode(base64).length;
    }

    private static List<String> sorted(Set<String> names) {
        return names.stream().sorted().toList();
    }
}

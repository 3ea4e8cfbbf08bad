package io.github.geministreams.prompt;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.model.Mode;
import io.github.geministreams.model.PromptPart;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.serde.StrictUtf8;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a prompts record into a {@link PromptRequest}, or says exactly why it cannot.
 * A value is a plain-text prompt, or, when its first non-blank character is {@code {}, a
 * JSON prompt object; a value that starts with {@code {} but is not a valid prompt object is
 * rejected, never sent to Gemini as text. Stateless and thread-safe.
 */
public final class PromptParser {
    private static final Set<String> STRING_FIELDS = Set.of("id", "prompt", "model", "system", "job", "mode");

    private final int maxBytes;
    private final Set<Task> defaultTasks;
    private final PromptTemplates templates;
    private final ParseRules rules;
    private final PromptPartsParser partsParser;
    private final GenerationSettingsParser generation;

    /**
     * @param rules              which models prompts may name, and the context guard
     * @param inlineDataMaxBytes the largest inline data part, decoded ({@code prompt.inline.data.max.bytes})
     */
    public PromptParser(int maxBytes, Set<Task> defaultTasks, PromptCatalog catalog, ParseRules rules,
                        int inlineDataMaxBytes) {
        this.maxBytes = maxBytes;
        this.defaultTasks = EnumSet.copyOf(defaultTasks);
        this.templates = PromptTemplates.compile(catalog);
        this.rules = rules;
        this.partsParser = new PromptPartsParser(inlineDataMaxBytes);
        this.generation = new GenerationSettingsParser(catalog);
    }

    /** A parser without configured rules (any model, no context guard); inline data is bounded by the value's size alone. */
    public PromptParser(int maxBytes, Set<Task> defaultTasks, PromptCatalog catalog) {
        this(maxBytes, defaultTasks, catalog, ParseRules.NONE, maxBytes);
    }

    /** A parser without a prompts file; inline data is bounded by the value's size alone. */
    public PromptParser(int maxBytes, Set<Task> defaultTasks) {
        this(maxBytes, defaultTasks, PromptCatalog.EMPTY);
    }

    /** The request, or an {@link InvalidPromptException} whose message is the reason. */
    public PromptRequest parse(byte[] key, byte[] value, SourceCoordinates source) {
        if (value == null) {
            throw new InvalidPromptException("null value: a prompt record needs a value");
        }
        if (value.length > maxBytes) {
            throw new InvalidPromptException("value of " + value.length + " bytes exceeds prompt.max.bytes=" + maxBytes);
        }
        String text = decodeUtf8(value, "value");
        if (text.isBlank()) {
            throw new InvalidPromptException("empty or blank prompt");
        }
        String fallbackId = idFromKey(key, source);
        if (text.stripLeading().startsWith("{")) {
            return rules.apply(parseObject(text, fallbackId));
        }
        return rules.apply(new PromptRequest(fallbackId, text, defaultTasks, null, null, null, null, null, null,
                generation.defaults(), null, false, rules.defaultMode()));
    }

    /**
     * The job a rejected value names, if it is a JSON object whose {@code job} (and maybe
     * {@code jobSize}) can still be read, so that the job counts the prompt as failed rather
     * than wait for it forever. Empty for anything else; never throws.
     */
    public Optional<JobMention> jobMention(byte[] value) {
        if (value == null || value.length > maxBytes) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            JsonNode job = node == null ? null : node.get("job");
            if (job == null || !job.isTextual() || job.asText().isBlank()) {
                return Optional.empty();
            }
            JsonNode size = node.get("jobSize");
            Long jobSize = size != null && size.canConvertToExactIntegral() && size.asLong() > 0 ? size.asLong() : null;
            return Optional.of(new JobMention(job.asText(), jobSize));
        } catch (IOException | RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    /** A job named by a prompt that could not be parsed as a whole. */
    public record JobMention(String job, Long jobSize) {
    }

    /** True when anything but whitespace follows the object, even text that is not a JSON token. */
    private static boolean hasTrailingContent(JsonParser parser) throws IOException {
        try {
            return parser.nextToken() != null;
        } catch (JsonProcessingException notAToken) {
            return true;
        }
    }

    private PromptRequest parseObject(String text, String fallbackId) {
        JsonNode node;
        try (JsonParser parser = Json.MAPPER.createParser(text)) {
            node = Json.MAPPER.readTree(parser);
            if (hasTrailingContent(parser)) {
                throw new InvalidPromptException("invalid JSON prompt object: trailing content after the object");
            }
        } catch (JsonProcessingException e) {
            throw new InvalidPromptException("invalid JSON prompt object: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new InvalidPromptException("invalid JSON prompt object: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new InvalidPromptException("invalid JSON prompt object: not an object");
        }
        for (String field : STRING_FIELDS) {
            JsonNode fieldNode = node.get(field);
            if (fieldNode != null && !fieldNode.isNull() && !fieldNode.isTextual()) {
                throw new InvalidPromptException("field '" + field + "' must be a string, was " + fieldNode.getNodeType());
            }
        }
        String template = templates.templateOf(node);
        String prompt = template == null ? textOrNull(node, "prompt") : templates.render(template, node);
        Set<Task> tasks = tasks(node.get("tasks"));
        List<PromptPart> parts = partsParser.parse(node.get("parts"), prompt, tasks);
        if (parts != null) {
            prompt = PromptPartsParser.text(parts);
        } else if (prompt == null) {
            throw new InvalidPromptException("JSON prompt object has no 'prompt' field (nor 'template' or 'parts')");
        }
        if (prompt.isBlank()) {
            throw new InvalidPromptException("empty or blank prompt");
        }
        JsonNode attributes = node.get("attributes");
        if (attributes != null && !attributes.isNull() && !attributes.isObject()) {
            throw new InvalidPromptException("field 'attributes' must be an object, was " + attributes.getNodeType());
        }
        String id = textOrNull(node, "id");
        return new PromptRequest(
                id == null || id.isBlank() ? fallbackId : id,
                prompt,
                tasks,
                textOrNull(node, "model"),
                textOrNull(node, "system"),
                textOrNull(node, "job"),
                jobSize(node.get("jobSize")),
                attributes == null || attributes.isNull() ? null : attributes,
                parts, generation.parse(node.get("generation")), template, false, mode(node));
    }

    private Mode mode(JsonNode node) {
        String name = textOrNull(node, "mode");
        if (name == null) {
            return rules.defaultMode();
        }
        Mode mode = Mode.fromWireName(name);
        if (mode == null) {
            throw new InvalidPromptException("field 'mode' must be \"online\" or \"batch\", was \"" + name + "\"");
        }
        return mode;
    }

    private Set<Task> tasks(JsonNode node) {
        if (node == null || node.isNull()) {
            return defaultTasks;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidPromptException("field 'tasks' must be a non-empty array of \"generate\"/\"embed\"");
        }
        Set<Task> tasks = EnumSet.noneOf(Task.class);
        for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
            JsonNode element = it.next();
            Task task = element.isTextual() ? Task.fromWireName(element.asText()) : null;
            if (task == null) {
                throw new InvalidPromptException("unknown task " + element + "; expected \"generate\" or \"embed\"");
            }
            tasks.add(task);
        }
        return tasks;
    }

    private static Long jobSize(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.canConvertToExactIntegral() || node.asLong() < 1) {
            throw new InvalidPromptException("field 'jobSize' must be a positive whole number, was " + node);
        }
        return node.asLong();
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String idFromKey(byte[] key, SourceCoordinates source) {
        if (key != null && key.length > 0) {
            try {
                String id = decodeUtf8(key, "key");
                if (!id.isBlank()) {
                    return id;
                }
            } catch (InvalidPromptException notText) {
                // A binary key is a valid key; it just cannot serve as an id.
            }
        }
        return source.asKey();
    }

    private static String decodeUtf8(byte[] bytes, String what) {
        return StrictUtf8.decode(bytes).orElseThrow(() -> new InvalidPromptException(what + " is not valid UTF-8"));
    }
}

package io.github.geministreams.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.genai.types.HarmBlockThreshold;
import com.google.genai.types.HarmCategory;
import com.google.genai.types.ThinkingLevel;
import io.github.geministreams.model.GenerationSettings;
import io.github.geministreams.model.GenerationSettings.SafetySetting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads a prompt's {@code generation} object over the prompts file's
 * {@code defaults.generation} into {@link GenerationSettings}, and refuses, naming the field,
 * whatever the Gemini API would answer with a 400: values out of the API's ranges, unknown
 * keys, names the SDK's enums do not have, a schema that is not a JSON Schema.
 *
 * <p>The prompt's value wins field by field; a prompt's {@code null} removes a default.
 * {@code schema} and {@code responseJsonSchema} are one choice, and so are
 * {@code thinkingBudget} and {@code thinkingLevel}: a prompt that gives either replaces the
 * default's. A schema implies {@code responseMimeType: application/json}. {@code labels} are
 * read here whatever the backend; only Vertex AI receives them ({@code gemini.GenerateConfigs}).
 * Immutable and thread-safe; the defaults are read and checked once, in the constructor.
 */
public final class GenerationSettingsParser {
    static final String JSON = "application/json";
    private static final Set<String> MIME_TYPES = new LinkedHashSet<>(List.of("text/plain", JSON));
    private static final int MAX_STOP_SEQUENCES = 5;
    private static final Set<String> KEYS = new LinkedHashSet<>(List.of("temperature", "topP", "topK",
            "maxOutputTokens", "stopSequences", "thinkingBudget", "thinkingLevel", "safetySettings", "labels",
            "responseMimeType", "responseJsonSchema", "schema"));
    /** Fields of which a prompt gives one or none: giving one replaces both defaults. */
    private static final List<List<String>> CHOICES = List.of(List.of("schema", "responseJsonSchema"),
            List.of("thinkingBudget", "thinkingLevel"));
    private static final Set<String> SAFETY_KEYS = new LinkedHashSet<>(List.of("category", "threshold"));
    // The *_UNSPECIFIED values are the enums' "not set"; the API refuses them as a setting.
    private static final Set<String> THINKING_LEVELS = specified(ThinkingLevel.Known.values());
    private static final Set<String> CATEGORIES = specified(HarmCategory.Known.values());
    private static final Set<String> THRESHOLDS = specified(HarmBlockThreshold.Known.values());

    private final Map<String, JsonNode> schemas;
    private final ObjectNode defaultNode;
    private final GenerationSettings defaults;

    /** @throws IllegalArgumentException when a schema or {@code defaults.generation} of the catalog is invalid */
    public GenerationSettingsParser(PromptCatalog catalog) {
        this(catalog.schemas(), catalog.defaultGeneration());
    }

    private GenerationSettingsParser(Map<String, JsonNode> schemas, ObjectNode defaultGeneration) {
        this.schemas = schemas;
        this.defaultNode = defaultGeneration;
        schemas.forEach((name, schema) -> JsonSchemas.problemOfSchema(schema).ifPresent(problem -> {
            throw new IllegalArgumentException("schemas." + name + " is not a valid JSON Schema: " + problem);
        }));
        try {
            this.defaults = read(defaultGeneration, "defaults.generation");
        } catch (InvalidPromptException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /**
     * Checks the schemas and the default generation settings of a prompts file.
     *
     * @throws IllegalArgumentException with the first problem
     */
    static void checkCatalog(Map<String, JsonNode> schemas, ObjectNode defaultGeneration) {
        new GenerationSettingsParser(schemas, defaultGeneration);
    }

    /** The settings of a prompt without {@code generation} (a plain-text prompt too). */
    public GenerationSettings defaults() {
        return defaults;
    }

    /**
     * The settings of a prompt whose {@code generation} field is {@code node} (null or absent: the defaults).
     *
     * @throws InvalidPromptException naming the field and the reason
     */
    public GenerationSettings parse(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return defaults;
        }
        if (!node.isObject()) {
            throw new InvalidPromptException("field 'generation' must be an object, was " + node.getNodeType());
        }
        onlyKnown(node, KEYS, "generation");
        ObjectNode merged = defaultNode.deepCopy();
        for (List<String> choice : CHOICES) {
            if (choice.stream().anyMatch(node::has)) {
                merged.remove(choice);
            }
        }
        node.fields().forEachRemaining(field -> {
            if (field.getValue().isNull()) {
                merged.remove(field.getKey());
            } else {
                merged.set(field.getKey(), field.getValue());
            }
        });
        return read(merged, "generation");
    }

    private GenerationSettings read(JsonNode node, String where) {
        onlyKnown(node, KEYS, where);
        Double temperature = number(node, where, "temperature", 0, 2);
        Double topP = number(node, where, "topP", 0, 1);
        Integer topK = integer(node, where, "topK", 1);
        Integer maxOutputTokens = integer(node, where, "maxOutputTokens", 1);
        List<String> stopSequences = stopSequences(node, where);
        Integer thinkingBudget = integer(node, where, "thinkingBudget", -1);
        String thinkingLevel = oneOf(node.get("thinkingLevel"), where + ".thinkingLevel", THINKING_LEVELS);
        if (thinkingBudget != null && thinkingLevel != null) {
            throw invalid(where, "thinkingLevel", "cannot be set together with thinkingBudget; choose one");
        }
        List<SafetySetting> safetySettings = safetySettings(node, where);
        Map<String, String> labels = labels(node, where);
        String mimeType = oneOf(node.get("responseMimeType"), where + ".responseMimeType", MIME_TYPES);
        String schemaName = schemaName(node, where);
        JsonNode jsonSchema = schemaName != null ? schemas.get(schemaName) : inlineSchema(node, where);
        if (jsonSchema != null) {
            if (mimeType != null && !mimeType.equals(JSON)) {
                throw invalid(where, "responseMimeType", "must be " + JSON + " with a schema, was " + mimeType);
            }
            mimeType = JSON;
        }
        return new GenerationSettings(temperature, topP, topK, maxOutputTokens, stopSequences, thinkingBudget,
                thinkingLevel, safetySettings, labels, mimeType, jsonSchema, schemaName);
    }

    private static Double number(JsonNode node, String where, String field, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw invalid(where, field, "must be a number from " + format(min) + " to " + format(max) + ", was " + value);
        }
        return value.asDouble();
    }

    private static Integer integer(JsonNode node, String where, String field, int min) {
        JsonNode value = node.get(field);
        if (value == null) {
            return null;
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.asInt() < min) {
            throw invalid(where, field, "must be a whole number of at least " + min + ", was " + value);
        }
        return value.asInt();
    }

    private static List<String> stopSequences(JsonNode node, String where) {
        JsonNode value = node.get("stopSequences");
        if (value == null) {
            return null;
        }
        if (!value.isArray() || value.size() > MAX_STOP_SEQUENCES) {
            throw invalid(where, "stopSequences", "must be an array of at most " + MAX_STOP_SEQUENCES
                    + " strings, was " + value);
        }
        List<String> sequences = new ArrayList<>();
        for (JsonNode element : value) {
            if (!element.isTextual() || element.asText().isEmpty()) {
                throw invalid(where, "stopSequences", "must hold non-empty strings, had " + element);
            }
            sequences.add(element.asText());
        }
        return List.copyOf(sequences);
    }

    private static List<SafetySetting> safetySettings(JsonNode node, String where) {
        JsonNode value = node.get("safetySettings");
        if (value == null) {
            return null;
        }
        if (!value.isArray()) {
            throw invalid(where, "safetySettings", "must be an array of {\"category\",\"threshold\"}, was "
                    + value.getNodeType());
        }
        List<SafetySetting> settings = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            String at = where + ".safetySettings[" + i + "]";
            JsonNode element = value.get(i);
            if (!element.isObject()) {
                throw new InvalidPromptException("field '" + at + "' must be an object {\"category\",\"threshold\"}");
            }
            onlyKnown(element, SAFETY_KEYS, at);
            String category = oneOf(required(element, "category", at), at + ".category", CATEGORIES);
            String threshold = oneOf(required(element, "threshold", at), at + ".threshold", THRESHOLDS);
            settings.add(new SafetySetting(category, threshold));
        }
        return List.copyOf(settings);
    }

    private static Map<String, String> labels(JsonNode node, String where) {
        JsonNode value = node.get("labels");
        if (value == null) {
            return null;
        }
        if (!value.isObject()) {
            throw invalid(where, "labels", "must be an object of strings, was " + value.getNodeType());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> label = it.next();
            if (!label.getValue().isTextual()) {
                throw invalid(where, "labels." + label.getKey(), "must be a string, was " + label.getValue().getNodeType());
            }
            labels.put(label.getKey(), label.getValue().asText());
        }
        return Map.copyOf(labels);
    }

    private String schemaName(JsonNode node, String where) {
        JsonNode value = node.get("schema");
        if (value == null) {
            return null;
        }
        if (node.has("responseJsonSchema")) {
            throw invalid(where, "schema", "cannot be given with responseJsonSchema; choose one");
        }
        if (!value.isTextual() || !schemas.containsKey(value.asText())) {
            throw invalid(where, "schema", "must name a schema of the prompts file " + schemas.keySet() + ", was " + value);
        }
        return value.asText();
    }

    private static JsonNode inlineSchema(JsonNode node, String where) {
        JsonNode value = node.get("responseJsonSchema");
        if (value == null) {
            return null;
        }
        JsonSchemas.problemOfSchema(value).ifPresent(problem -> {
            throw invalid(where, "responseJsonSchema", "is not a valid JSON Schema: " + problem);
        });
        return value;
    }

    private static JsonNode required(JsonNode node, String field, String at) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidPromptException("field '" + at + "." + field + "' is missing");
        }
        return value;
    }

    private static String oneOf(JsonNode value, String field, Set<String> allowed) {
        if (value == null) {
            return null;
        }
        if (!value.isTextual() || !allowed.contains(value.asText())) {
            throw new InvalidPromptException("field '" + field + "' must be one of " + allowed + ", was " + value);
        }
        return value.asText();
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidPromptException("unknown field '" + where + "." + name + "'; expected one of " + known);
            }
        }
    }

    private static InvalidPromptException invalid(String where, String field, String reason) {
        return new InvalidPromptException("field '" + where + "." + field + "' " + reason);
    }

    private static String format(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static <E extends Enum<E>> Set<String> specified(E[] values) {
        Function<E, String> name = Enum::name;
        return Arrays.stream(values).map(name).filter(value -> !value.endsWith("_UNSPECIFIED"))
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }
}

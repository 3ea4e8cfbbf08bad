package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * The simulator's answers to prompts that ask for JSON ({@code responseMimeType:
 * application/json}): a deterministic instance of {@code responseJsonSchema} (objects with
 * every property, the first {@code enum} or {@code const} value, strings, numbers and
 * integers within their bounds, booleans, arrays of {@code minItems} (at least one) items,
 * the first branch of {@code anyOf}/{@code oneOf}, local {@code $ref}s), or
 * {@code {"text": ...}} without a schema. Two trigger words in the prompt break the answer,
 * so that a pipeline's validation can be tested end to end:
 * <ul>
 *   <li>{@value #INVALID_JSON_TRIGGER}: the answer is text that is not JSON;</li>
 *   <li>{@value #SCHEMA_MISMATCH_TRIGGER}: the answer is JSON of another type than the
 *       schema's root type (an array for an object schema, an object for an array schema).</li>
 * </ul>
 * Stateless.
 */
final class StructuredAnswers {
    static final String INVALID_JSON_TRIGGER = "INVALID_JSON_TRIGGER";
    static final String SCHEMA_MISMATCH_TRIGGER = "SCHEMA_MISMATCH_TRIGGER";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Deep enough for any schema a prompt sends; a recursive $ref stops here. */
    private static final int MAX_DEPTH = 16;

    private StructuredAnswers() {
    }

    /** The answer text for {@code prompt}: {@code plainText} unless {@code generationConfig} asks for JSON. */
    static String text(JsonNode generationConfig, String prompt, String plainText) {
        if (!"application/json".equals(generationConfig.path("responseMimeType").asText())
                || prompt.contains(INVALID_JSON_TRIGGER)) {
            return plainText;
        }
        JsonNode schema = generationConfig.path("responseJsonSchema");
        if (schema.isMissingNode()) {
            return NODES.objectNode().put("text", plainText).toString();
        }
        if (prompt.contains(SCHEMA_MISMATCH_TRIGGER)) {
            return "array".equals(type(schema)) ? NODES.objectNode().put("mismatch", true).toString()
                    : NODES.arrayNode().add("mismatch").toString();
        }
        return instance(schema, schema, 0).toString();
    }

    private static JsonNode instance(JsonNode schema, JsonNode root, int depth) {
        if (depth > MAX_DEPTH) {
            return NODES.nullNode();
        }
        if (schema.path("$ref").isTextual() && schema.get("$ref").asText().startsWith("#")) {
            return instance(root.at(schema.get("$ref").asText().substring(1)), root, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        for (String choice : new String[] {"anyOf", "oneOf"}) {
            if (schema.path(choice).isArray() && !schema.get(choice).isEmpty()) {
                return instance(schema.get(choice).get(0), root, depth + 1);
            }
        }
        return switch (type(schema)) {
            case "object" -> object(schema, root, depth);
            case "array" -> array(schema, root, depth);
            case "integer" -> NODES.numberNode((long) Math.ceil(bounded(schema, 1)));
            case "number" -> NODES.numberNode(bounded(schema, 0.5));
            case "boolean" -> NODES.booleanNode(true);
            case "null" -> NODES.nullNode();
            default -> NODES.textNode(string(schema));
        };
    }

    private static ObjectNode object(JsonNode schema, JsonNode root, int depth) {
        ObjectNode object = NODES.objectNode();
        for (Iterator<String> names = schema.path("properties").fieldNames(); names.hasNext(); ) {
            String name = names.next();
            object.set(name, instance(schema.get("properties").get(name), root, depth + 1));
        }
        return object;
    }

    private static ArrayNode array(JsonNode schema, JsonNode root, int depth) {
        ArrayNode array = NODES.arrayNode();
        int items = Math.max(1, schema.path("minItems").asInt(1));
        for (int i = 0; i < items; i++) {
            array.add(instance(schema.path("items"), root, depth + 1));
        }
        return array;
    }

    /** {@code preferred} moved into [minimum, maximum] where the schema has them. */
    private static double bounded(JsonNode schema, double preferred) {
        double value = preferred;
        if (schema.path("minimum").isNumber()) {
            value = Math.max(value, schema.get("minimum").asDouble());
        }
        if (schema.path("maximum").isNumber()) {
            value = Math.min(value, schema.get("maximum").asDouble());
        }
        return value;
    }

    private static String string(JsonNode schema) {
        StringBuilder text = new StringBuilder("simulated");
        int minLength = schema.path("minLength").asInt(0);
        while (text.length() < minLength) {
            text.append('x');
        }
        int maxLength = schema.path("maxLength").asInt(Integer.MAX_VALUE);
        return text.length() > maxLength ? text.substring(0, maxLength) : text.toString();
    }

    /** The schema's type; the first non-null one of a list; an object when it has properties, else a string. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray()) {
            for (JsonNode each : type) {
                if (!"null".equals(each.asText())) {
                    return each.asText();
                }
            }
            return "null";
        }
        if (type.isTextual()) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : "string";
    }
}

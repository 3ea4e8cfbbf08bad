package io.github.geministreams.prompt;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.Code;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.codes.IterableCode;
import com.github.mustachejava.codes.PartialCode;
import com.github.mustachejava.codes.ValueCode;
import com.github.mustachejava.reflect.ReflectionObjectHandler;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The prompts file's templates, compiled at startup with mustache.java (logic-less Mustache, no
 * dependencies). A template that does not compile makes the prompts file invalid: the start
 * stops naming it ({@link PromptCatalog} compiles every template when it is read). A prompt
 * object is rendered from its own top-level fields:
 * <ul>
 *   <li>no HTML escaping: {@code {{text}}} writes the field as it is (a prompt is not HTML);</li>
 *   <li>a string, number or boolean is written as its JSON value ({@code 0.5}, {@code true});
 *       an array as its elements joined with {@code ", "}; an object as its JSON text. A section
 *       ({@code {{#list}}..{{/list}}}) iterates an array, as Mustache does;</li>
 *   <li>every variable outside a section must be a field of the prompt that is not null (a
 *       dotted name {@code {{a.b}}} a nested field), else the prompt is a dead letter naming the
 *       missing fields; sections and inverted sections are Mustache's optional parts;</li>
 *   <li>a partial ({@code {{> name}}}) is another template of the prompts file, never a file.</li>
 * </ul>
 * Immutable and thread-safe: compiled Mustache templates are reentrant.
 */
public final class PromptTemplates {
    private final Map<String, Template> templates;
    private final String defaultTemplate;

    private PromptTemplates(Map<String, Template> templates, String defaultTemplate) {
        this.templates = templates;
        this.defaultTemplate = defaultTemplate;
    }

    /** Compiles every template of {@code catalog}. */
    public static PromptTemplates compile(PromptCatalog catalog) {
        return new PromptTemplates(compile(catalog.templates()), catalog.defaultTemplate());
    }

    /** Compiles {@code sources} (name to template); an {@link IllegalArgumentException} names one that does not compile. */
    static Map<String, Template> compile(Map<String, String> sources) {
        DefaultMustacheFactory factory = new RawMustacheFactory(sources);
        Map<String, Template> compiled = new LinkedHashMap<>();
        for (String name : sources.keySet()) {
            try {
                Mustache mustache = factory.compile(name);
                compiled.put(name, new Template(mustache, requiredFields(mustache.getCodes())));
            } catch (MustacheException e) {
                throw new IllegalArgumentException("template '" + name + "' does not compile: " + e.getMessage());
            }
        }
        return Collections.unmodifiableMap(compiled);
    }

    /**
     * The template a JSON prompt object is rendered from: its {@code template}, else the default
     * template when it has neither {@code prompt} nor {@code parts}; null when the prompt is its
     * own text. A prompt with both {@code prompt} and {@code template} is ambiguous, and rejected.
     */
    public String templateOf(JsonNode prompt) {
        JsonNode named = prompt.get("template");
        boolean hasPrompt = present(prompt.get("prompt"));
        if (!present(named)) {
            return hasPrompt || present(prompt.get("parts")) ? null : defaultTemplate;
        }
        if (!named.isTextual()) {
            throw new InvalidPromptException("field 'template' must be a string, was " + named.getNodeType());
        }
        if (hasPrompt) {
            throw new InvalidPromptException("fields 'prompt' and 'template' are both set; a prompt has one or the other");
        }
        if (!templates.containsKey(named.asText())) {
            throw new InvalidPromptException("unknown template '" + named.asText() + "'; the prompts file has "
                    + templates.keySet());
        }
        return named.asText();
    }

    /** Template {@code name} filled from the fields of {@code prompt}; names every missing field. */
    public String render(String name, JsonNode prompt) {
        Template template = templates.get(name);
        List<String> missing = template.required().stream()
                .filter(field -> !present(field(prompt, field)))
                .toList();
        if (!missing.isEmpty()) {
            throw new InvalidPromptException("template '" + name + "' needs field" + (missing.size() > 1 ? "s " : " ")
                    + missing.stream().map(field -> "'" + field + "'").collect(Collectors.joining(", "))
                    + ", missing from the prompt");
        }
        StringWriter text = new StringWriter();
        try {
            template.mustache().execute(text, Json.MAPPER.convertValue(prompt, Map.class)).flush();
        } catch (MustacheException | IOException e) {
            throw new InvalidPromptException("template '" + name + "' cannot be rendered: " + e.getMessage());
        }
        return text.toString();
    }

    /** The value a Mustache name stands for: a field, or with dots a nested one. */
    private static JsonNode field(JsonNode prompt, String name) {
        JsonNode node = prompt;
        for (String step : name.split("\\.")) {
            node = node == null ? null : node.get(step);
        }
        return node;
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isMissingNode() && !node.isNull();
    }

    /** Variables outside sections, in template order; partials' too, as they render in place. */
    private static Set<String> requiredFields(Code[] codes) {
        Set<String> fields = new LinkedHashSet<>();
        collectRequired(codes, fields, new HashSet<>());
        return fields;
    }

    private static void collectRequired(Code[] codes, Set<String> fields, Set<String> partialsSeen) {
        for (Code code : codes == null ? new Code[0] : codes) {
            if (code instanceof IterableCode) {
                continue; // a section or inverted section: optional, and its names are relative to it
            }
            if (code instanceof PartialCode && !partialsSeen.add(code.getName())) {
                continue; // a partial that includes itself: its fields are collected already
            }
            if (code instanceof ValueCode && !".".equals(code.getName())) {
                fields.add(code.getName());
            }
            collectRequired(code.getCodes(), fields, partialsSeen);
        }
    }

    record Template(Mustache mustache, Set<String> required) {
    }

    /** Templates from the prompts file only, written without HTML escaping. */
    private static final class RawMustacheFactory extends DefaultMustacheFactory {
        RawMustacheFactory(Map<String, String> sources) {
            super(name -> sources.containsKey(name) ? new StringReader(sources.get(name)) : null);
            setObjectHandler(new JsonValueHandler());
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (IOException e) {
                throw new MustacheException("cannot write " + value.length() + " characters", e);
            }
        }
    }

    /** Writes a list as its elements joined with ", " and an object as JSON. */
    private static final class JsonValueHandler extends ReflectionObjectHandler {
        @Override
        public String stringify(Object value) {
            if (value instanceof List<?> list) {
                List<String> elements = new ArrayList<>(list.size());
                list.forEach(element -> elements.add(element == null ? "null" : stringify(element)));
                return String.join(", ", elements);
            }
            if (value instanceof Map<?, ?>) {
                try {
                    return Json.MAPPER.writeValueAsString(value);
                } catch (JsonProcessingException e) {
                    throw new MustacheException("cannot write an object field as JSON", e);
                }
            }
            return value.toString();
        }
    }
}

package io.github.geministreams.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What prompts refer to by name, and the defaults of every prompt: the prompts file
 * ({@code prompts.file}, YAML) with {@code templates} (name to template text),
 * {@code schemas} (name to JSON Schema) and {@code defaults} ({@code template}: the
 * template of prompts that name none and have no {@code prompt}; {@code generation}: the
 * generation settings under every prompt's own). Immutable; read once at startup, so a
 * mistake in the file stops the start with its path, not the first prompt that uses it.
 */
public record PromptCatalog(Map<String, String> templates, Map<String, JsonNode> schemas, String defaultTemplate,
                            ObjectNode defaultGeneration) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> SECTIONS = Set.of("templates", "schemas", "defaults");
    private static final Set<String> DEFAULTS = Set.of("template", "generation");

    /** No file: no templates, no schemas, no defaults. */
    public static final PromptCatalog EMPTY =
            new PromptCatalog(Map.of(), Map.of(), null, JsonNodeFactory.instance.objectNode());

    public PromptCatalog {
        templates = Collections.unmodifiableMap(new LinkedHashMap<>(templates));
        schemas = Collections.unmodifiableMap(new LinkedHashMap<>(schemas));
        defaultTemplate = defaultTemplate == null || defaultTemplate.isBlank() ? null : defaultTemplate;
        defaultGeneration = defaultGeneration.deepCopy();
        if (defaultTemplate != null && !templates.containsKey(defaultTemplate)) {
            throw new IllegalArgumentException("defaults.template '" + defaultTemplate + "' is not among the templates "
                    + templates.keySet());
        }
        PromptTemplates.compile(templates); // fails here, with the file's path, not at the first prompt
        GenerationSettingsParser.checkCatalog(schemas, defaultGeneration);
    }

    /** The catalog of {@code file}, or {@link #EMPTY} without one. */
    public static PromptCatalog load(Optional<Path> file) {
        return file.map(PromptCatalog::fromFile).orElse(EMPTY);
    }

    public static PromptCatalog fromFile(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new InvalidPromptsFileException("Cannot read the prompts file " + file + ": " + e.getMessage());
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new InvalidPromptsFileException("Invalid prompts file " + file + ": " + e.getMessage());
        }
    }

    /** The prompts file at {@code resource} on the classpath, such as the samples shipped in the jar. */
    public static PromptCatalog fromResource(String resource) {
        try (InputStream in = PromptCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("The prompts file " + resource + " is missing from the jar");
            }
            return parse(YAML.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the prompts file " + resource, e);
        }
    }

    /** The catalog a YAML or JSON tree describes; {@link IllegalArgumentException} says what is wrong. */
    public static PromptCatalog parse(JsonNode root) {
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EMPTY;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("the top level must be a mapping of " + SECTIONS);
        }
        onlyKnown(root, SECTIONS, "top level");
        Map<String, String> templates = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : entries(root.get("templates"), "templates")) {
            if (!entry.getValue().isTextual()) {
                throw new IllegalArgumentException("templates." + entry.getKey() + " must be a string");
            }
            templates.put(entry.getKey(), entry.getValue().asText());
        }
        Map<String, JsonNode> schemas = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : entries(root.get("schemas"), "schemas")) {
            if (!entry.getValue().isObject()) {
                throw new IllegalArgumentException("schemas." + entry.getKey() + " must be a mapping (a JSON Schema)");
            }
            schemas.put(entry.getKey(), entry.getValue());
        }
        JsonNode defaults = root.get("defaults");
        String template = null;
        ObjectNode generation = JsonNodeFactory.instance.objectNode();
        if (defaults != null && !defaults.isNull()) {
            if (!defaults.isObject()) {
                throw new IllegalArgumentException("defaults must be a mapping of " + DEFAULTS);
            }
            onlyKnown(defaults, DEFAULTS, "defaults");
            JsonNode templateNode = defaults.get("template");
            if (templateNode != null && !templateNode.isNull()) {
                if (!templateNode.isTextual()) {
                    throw new IllegalArgumentException("defaults.template must be a template name");
                }
                template = templateNode.asText();
            }
            JsonNode generationNode = defaults.get("generation");
            if (generationNode != null && !generationNode.isNull()) {
                if (!generationNode.isObject()) {
                    throw new IllegalArgumentException("defaults.generation must be a mapping");
                }
                generation = (ObjectNode) generationNode;
            }
        }
        return new PromptCatalog(templates, schemas, template, generation);
    }

    private static Iterable<Map.Entry<String, JsonNode>> entries(JsonNode section, String name) {
        if (section == null || section.isNull()) {
            return Set.of();
        }
        if (!section.isObject()) {
            throw new IllegalArgumentException(name + " must be a mapping of names");
        }
        return section::fields;
    }

    private static void onlyKnown(JsonNode node, Set<String> known, String where) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown key '" + name + "' at " + where + "; expected one of "
                        + known);
            }
        }
    }
}

package io.github.geministreams.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The topics declared in topics.yaml, one {@link TopicSpec} per {@link TopicRole}. Immutable.
 * Where the file comes from: an explicit path, else {@code ./topics.yaml}, else the copy
 * built into the jar.
 */
public final class TopicPlan {
    private static final String BUILT_IN = "/io/github/geministreams/topics/topics.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<TopicRole, TopicSpec> specs;
    private final String origin;

    private TopicPlan(Map<TopicRole, TopicSpec> specs, String origin) {
        this.specs = specs;
        this.origin = origin;
    }

    /** The plan from {@code file}, or from the default places when empty. */
    public static TopicPlan load(Optional<Path> file) {
        if (file.isPresent()) {
            return fromFile(file.get());
        }
        Path local = Path.of("topics.yaml");
        if (Files.isRegularFile(local)) {
            return fromFile(local);
        }
        return builtIn();
    }

    /** The topics.yaml built into the jar. */
    public static TopicPlan builtIn() {
        try (InputStream in = TopicPlan.class.getResourceAsStream(BUILT_IN)) {
            if (in == null) {
                throw new IllegalStateException("topics.yaml is missing from the jar at " + BUILT_IN);
            }
            return parse(YAML.readTree(in), "built-in topics.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the built-in topics.yaml", e);
        }
    }

    public static TopicPlan fromFile(Path file) {
        try {
            return parse(YAML.readTree(file.toFile()), file.toString());
        } catch (IOException e) {
            throw new InvalidTopicsFileException("Cannot read " + file + ": " + e.getMessage());
        }
    }

    static TopicPlan parse(JsonNode root, String origin) {
        JsonNode topics = root == null ? null : root.get("topics");
        if (topics == null || !topics.isObject()) {
            throw new InvalidTopicsFileException(origin + ": expected a top-level 'topics:' map");
        }
        Map<TopicRole, TopicSpec> specs = new EnumMap<>(TopicRole.class);
        for (TopicRole role : TopicRole.values()) {
            JsonNode node = topics.get(role.yamlKey());
            if (node == null || !node.isObject()) {
                throw new InvalidTopicsFileException(origin + ": topic '" + role.yamlKey() + "' is not declared");
            }
            specs.put(role, spec(role, node, origin));
        }
        return new TopicPlan(specs, origin);
    }

    private static TopicSpec spec(TopicRole role, JsonNode node, String origin) {
        String where = origin + ": topics." + role.yamlKey();
        String name = node.path("name").asText(role.yamlKey());
        int partitions = node.path("partitions").asInt(0);
        int replication = node.path("replicationFactor").asInt(0);
        if (name.isBlank()) {
            throw new InvalidTopicsFileException(where + ".name must not be blank");
        }
        if (partitions < 1) {
            throw new InvalidTopicsFileException(where + ".partitions must be a number of at least 1");
        }
        if (replication < 1 || replication > Short.MAX_VALUE) {
            throw new InvalidTopicsFileException(where + ".replicationFactor must be a number of at least 1");
        }
        Map<String, String> configs = new LinkedHashMap<>();
        node.path("configs").fields().forEachRemaining(entry -> configs.put(entry.getKey(), entry.getValue().asText()));
        return new TopicSpec(role, name, partitions, (short) replication, configs);
    }

    /** The same plan with {@code prefix} before every topic name (the bench runs each row on its own topics). */
    public TopicPlan withPrefix(String prefix) {
        Map<TopicRole, TopicSpec> prefixed = new EnumMap<>(TopicRole.class);
        specs.forEach((role, spec) -> prefixed.put(role,
                new TopicSpec(role, prefix + spec.name(), spec.partitions(), spec.replicationFactor(), spec.configs())));
        return new TopicPlan(prefixed, origin + " with prefix '" + prefix + "'");
    }

    public TopicSpec spec(TopicRole role) {
        return specs.get(role);
    }

    public String name(TopicRole role) {
        return specs.get(role).name();
    }

    public Collection<TopicSpec> all() {
        return specs.values();
    }

    /** Where the plan was read from, for messages. */
    public String origin() {
        return origin;
    }
}

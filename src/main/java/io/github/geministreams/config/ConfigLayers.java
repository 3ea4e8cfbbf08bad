package io.github.geministreams.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the configuration layers, lowest first: defaults, a properties file, the
 * environment, command-line flags. Each layer splits into our {@link Setting}s and Kafka
 * properties:
 * <ul>
 *   <li>properties file: a key of ours is a setting; {@code kafka.x.y} and any other key
 *       is the Kafka property {@code x.y} (so a client.properties with SASL settings works
 *       as it is);</li>
 *   <li>environment: {@code GEMINI_STREAMS_*} and the conventional aliases
 *       ({@code GEMINI_API_KEY}, ...) are settings; {@code KAFKA_X_Y} is the Kafka
 *       property {@code x.y}, except the JVM launcher variables such as {@code KAFKA_OPTS};</li>
 *   <li>flags: {@code key=value} pairs, settings or Kafka properties by the same rule as the
 *       file.</li>
 * </ul>
 */
public final class ConfigLayers {
    private static final String ENV_PREFIX = "GEMINI_STREAMS_";
    private static final String KAFKA_ENV_PREFIX = "KAFKA_";
    private static final String KAFKA_KEY_PREFIX = "kafka.";
    /** Variables of Kafka's shell scripts, not client properties. */
    private static final Set<String> KAFKA_LAUNCHER_VARIABLES = Set.of(
            "KAFKA_OPTS", "KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS",
            "KAFKA_GC_LOG_OPTS", "KAFKA_JMX_OPTS", "KAFKA_DEBUG", "KAFKA_HOME", "KAFKA_VERSION");
    private static final Logger log = LoggerFactory.getLogger(ConfigLayers.class);
    private static final Map<String, Setting> BY_KEY = Arrays.stream(Setting.values())
            .collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));
    private static final Map<String, Setting> BY_ENV = Arrays.stream(Setting.values())
            .collect(Collectors.toUnmodifiableMap(Setting::envVariable, Function.identity()));
    private static final Map<String, Setting> BY_FORMER_KEY = Arrays.stream(Setting.values())
            .filter(setting -> setting.formerKey() != null)
            .collect(Collectors.toUnmodifiableMap(Setting::formerKey, Function.identity()));
    private static final Map<String, Setting> BY_FORMER_ENV = Arrays.stream(Setting.values())
            .filter(setting -> setting.formerKey() != null)
            .collect(Collectors.toUnmodifiableMap(Setting::formerEnvVariable, Function.identity()));

    private final Map<Setting, String> settings = new LinkedHashMap<>();
    private final Map<String, String> kafka = new LinkedHashMap<>();

    private ConfigLayers() {
        for (Setting setting : Setting.values()) {
            settings.put(setting, setting.defaultValue());
        }
    }

    /** Only the defaults. */
    public static ConfigLayers defaults() {
        return new ConfigLayers();
    }

    /** Defaults, then the file (may be null), then the environment, then the flags. */
    public static ConfigLayers load(Path propertiesFile, Map<String, String> environment, Map<String, String> flags) {
        ConfigLayers layers = new ConfigLayers();
        if (propertiesFile != null) {
            layers.withFile(propertiesFile);
        }
        return layers.withEnvironment(environment).withAll(flags);
    }

    public ConfigLayers withFile(Path propertiesFile) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new ConfigException("Cannot read the properties file " + propertiesFile + ": " + e.getMessage());
        }
        properties.stringPropertyNames().forEach(key -> with(key, properties.getProperty(key)));
        return this;
    }

    public ConfigLayers withEnvironment(Map<String, String> environment) {
        Map<String, String> sorted = new TreeMap<>(environment);
        for (Setting setting : Setting.values()) {
            if (setting.envAlias() != null && sorted.containsKey(setting.envAlias())) {
                settings.put(setting, sorted.get(setting.envAlias()));
            }
        }
        sorted.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                Setting setting = BY_ENV.get(name);
                if (setting == null && BY_FORMER_ENV.containsKey(name)) {
                    setting = BY_FORMER_ENV.get(name);
                    warnRenamed(name, setting.envVariable());
                }
                if (setting == null) {
                    throw new ConfigException("Unknown environment variable " + name
                            + "; the GEMINI_STREAMS_* variables are listed in docs/configuration.md");
                }
                settings.put(setting, value);
            } else if (name.startsWith(KAFKA_ENV_PREFIX) && !KAFKA_LAUNCHER_VARIABLES.contains(name)
                    && name.length() > KAFKA_ENV_PREFIX.length()) {
                String property = name.substring(KAFKA_ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
                with(property, value);
            }
        });
        return this;
    }

    public ConfigLayers withAll(Map<String, String> pairs) {
        pairs.forEach(this::with);
        return this;
    }

    /** One {@code key=value}: a setting of ours, else a Kafka property. */
    public ConfigLayers with(String key, String value) {
        String trimmed = key.trim();
        Setting setting = BY_KEY.get(trimmed);
        if (setting == null && BY_FORMER_KEY.containsKey(trimmed)) {
            setting = BY_FORMER_KEY.get(trimmed);
            warnRenamed(trimmed, setting.key());
        }
        if (setting != null) {
            settings.put(setting, value.trim());
        } else if (trimmed.startsWith(KAFKA_KEY_PREFIX)) {
            kafka.put(trimmed.substring(KAFKA_KEY_PREFIX.length()), value.trim());
        } else {
            kafka.put(trimmed, value.trim());
        }
        return this;
    }

    private static void warnRenamed(String former, String current) {
        log.warn("{} is deprecated and will be removed: use {} (same meaning, same values)", former, current);
    }

    public ConfigLayers with(Setting setting, String value) {
        settings.put(setting, value);
        return this;
    }

    /** The typed, validated configuration. */
    public AppConfig build() {
        Map<String, String> kafkaProperties = new HashMap<>(kafka);
        // bootstrap.servers is ours (it has a default and an alias); a Kafka-layer value wins only over the default.
        String bootstrapFromKafka = kafkaProperties.remove("bootstrap.servers");
        if (bootstrapFromKafka != null && settings.get(Setting.BOOTSTRAP_SERVERS).equals(Setting.BOOTSTRAP_SERVERS.defaultValue())) {
            settings.put(Setting.BOOTSTRAP_SERVERS, bootstrapFromKafka);
        }
        return AppConfig.from(settings, kafkaProperties);
    }
}

package io.github.geministreams.cli;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.config.Setting;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The configuration options every application command shares. Layers, lowest first:
 * defaults, {@code --config} file, environment, {@code --set} and the dedicated flags.
 */
public final class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: gemini-streams settings and Kafka client properties (SASL, TLS, ...).")
    Path propertiesFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS, else localhost:9092).")
    String bootstrapServers;

    @Option(names = "--topics-file", paramLabel = "FILE", description = "topics.yaml to use.")
    Path topicsFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", mapFallbackValue = "",
            description = "Any setting or Kafka property, e.g. --set embed.bundle.size=50 --set max.poll.records=500.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** The configuration from every layer, with the process environment. */
    public AppConfig load() {
        return load(System.getenv());
    }

    AppConfig load(Map<String, String> environment) {
        Map<String, String> flags = new LinkedHashMap<>(overrides);
        if (bootstrapServers != null) {
            flags.put(Setting.BOOTSTRAP_SERVERS.key(), bootstrapServers);
        }
        if (topicsFile != null) {
            flags.put(Setting.TOPICS_FILE.key(), topicsFile.toString());
        }
        return ConfigLayers.load(propertiesFile, environment, flags).build();
    }
}

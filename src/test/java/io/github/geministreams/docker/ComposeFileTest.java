package io.github.geministreams.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.geministreams.cli.GeminiStreamsCommand;
import io.github.geministreams.config.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docker/compose.yaml and docker/Dockerfile checked against the code, since no Docker engine
 * runs where the tests do: the Kafka image matches our Kafka version, every command and flag
 * exists in the CLI, every variable of ours is a real setting, and the app can scale.
 */
class ComposeFileTest {
    private static final Path COMPOSE = Path.of("docker", "compose.yaml");
    private static final Path DOCKERFILE = Path.of("docker", "Dockerfile");

    private final JsonNode services = read().get("services");

    private static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
        } catch (IOException e) {
            throw new AssertionError("cannot read " + COMPOSE, e);
        }
    }

    private JsonNode service(String name) {
        JsonNode service = services.get(name);
        assertNotNull(service, COMPOSE + " has no service '" + name + "'");
        return service;
    }

    private static String env(JsonNode service, String name) {
        JsonNode value = service.path("environment").get(name);
        return value == null ? null : value.asText();
    }

    @Test
    void shouldRunTheKafkaImageOfOurKafkaVersionWithTheListenersTheAppUses() {
        JsonNode kafka = service("kafka");
        assertEquals("apache/kafka:" + AppInfoParser.getVersion(), kafka.get("image").asText(),
                "the broker image follows kafka.version in pom.xml");
        String bootstrap = env(service("app"), "KAFKA_BOOTSTRAP_SERVERS");
        String advertised = env(kafka, "KAFKA_ADVERTISED_LISTENERS");
        assertTrue(advertised.contains("//" + bootstrap), "app's " + bootstrap + " is advertised: " + advertised);
        assertEquals("1", env(kafka, "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR"),
                "exactly-once needs a transaction log that one broker can hold");
        assertEquals("1", env(kafka, "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"));
        assertEquals("1", env(kafka, "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"));
        assertTrue(kafka.has("healthcheck"), "topics waits for a healthy broker");
    }

    @Test
    void shouldUseOnlyCommandsAndFlagsTheCliHas() {
        CommandLine cli = GeminiStreamsCommand.commandLine();
        List<String> checked = new ArrayList<>();
        for (String name : List.of("topics", "app", "simulator")) {
            List<String> command = new ArrayList<>();
            service(name).get("command").forEach(word -> command.add(word.asText()));
            CommandLine subcommand = cli.getSubcommands().get(command.get(0));
            assertNotNull(subcommand, name + " runs '" + command.get(0) + "', not a command of gemini-streams");
            for (String word : command) {
                if (word.startsWith("--")) {
                    String flag = word.contains("=") ? word.substring(0, word.indexOf('=')) : word;
                    assertNotNull(subcommand.getCommandSpec().findOption(flag),
                            name + ": '" + command.get(0) + "' has no option " + flag);
                    checked.add(flag);
                }
            }
        }
        assertTrue(checked.containsAll(List.of("--bootstrap-servers", "--host", "--port")), "flags checked: " + checked);
        assertEquals("topics", service("topics").get("command").get(0).asText());
        assertEquals("service_completed_successfully",
                service("app").at("/depends_on/topics/condition").asText(), "the app starts once the topics exist");
    }

    @Test
    void shouldScaleTheAppAndKeepTheSimulatorOptional() {
        JsonNode app = service("app");
        List<String> ports = new ArrayList<>();
        app.path("ports").forEach(port -> ports.add(port.asText()));
        assertEquals(List.of("127.0.0.1::9400"), ports,
                "metrics on a host port Docker picks: a fixed one would stop `docker compose up --scale app=3`");
        assertEquals(Setting.METRICS_PORT.defaultValue(), env(app, Setting.METRICS_PORT.envVariable()));

        JsonNode simulator = service("simulator");
        assertEquals("simulator", simulator.path("profiles").get(0).asText(), "the simulator is an optional profile");
        List<String> command = new ArrayList<>();
        simulator.get("command").forEach(word -> command.add(word.asText()));
        String port = command.get(command.indexOf("--port") + 1);
        assertEquals("0.0.0.0", command.get(command.indexOf("--host") + 1), "reachable from the app container");
        assertTrue(env(app, "GEMINI_BASE_URL").contains("http://simulator:" + port),
                "the app's default base URL is the simulator: " + env(app, "GEMINI_BASE_URL"));
    }

    @Test
    void shouldSetOnlyVariablesThatAreSettings() throws Exception {
        Set<String> known = Arrays.stream(Setting.values()).map(Setting::envVariable).collect(Collectors.toSet());
        Matcher variables = Pattern.compile("GEMINI_STREAMS_[A-Z_]+")
                .matcher(Files.readString(COMPOSE) + Files.readString(DOCKERFILE));
        int found = 0;
        while (variables.find()) {
            found++;
            assertTrue(known.contains(variables.group()), variables.group() + " is not a setting of gemini-streams");
        }
        assertTrue(found >= 2, "the state dir and metrics port are set");
    }

    @Test
    void shouldRunTheJarAsANonRootUser() throws Exception {
        List<String> lines = Files.readAllLines(DOCKERFILE);
        List<String> froms = lines.stream().filter(line -> line.startsWith("FROM ")).toList();
        assertEquals(2, froms.size(), "a build stage and a runtime stage: " + froms);
        assertTrue(froms.get(0).contains("maven"), froms.get(0));
        assertTrue(froms.get(1).contains("-jre"), "a JRE, not a JDK, at run time: " + froms.get(1));
        String user = lines.stream().filter(line -> line.startsWith("USER ")).reduce((first, last) -> last)
                .orElseThrow(() -> new AssertionError("the Dockerfile sets no USER"));
        assertFalse(user.contains("root") || user.endsWith(" 0"), user);
        assertTrue(lines.stream().anyMatch(line -> line.startsWith("ENTRYPOINT") && line.contains("/app/gemini-streams.jar")));
        assertTrue(lines.stream().anyMatch(line -> line.contains("COPY") && line.contains("target/lib")),
                "the jar's Class-Path needs lib/ beside it");
    }
}

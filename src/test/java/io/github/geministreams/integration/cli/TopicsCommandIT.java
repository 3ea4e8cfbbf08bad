package io.github.geministreams.integration.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.cli.GeminiStreamsCommand;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.TestTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gemini-streams topics} against a real embedded broker: what it creates, accepts and refuses. */
class TopicsCommandIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int topics(Path topicsFile) {
        CommandLine commandLine = GeminiStreamsCommand.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute("topics", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topics-file", topicsFile.toString(), "--timeout", "10s");
    }

    private static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()));
    }

    @Test
    void shouldCreateEveryMissingTopicAsDeclaredAndAcceptThemOnTheNextRun() throws Exception {
        TestTopics declared = TestTopics.write(dir, "fresh", 6);

        assertEquals(0, topics(declared.file), err.toString());
        assertEquals(0, topics(declared.file), "a second run finds everything in place: " + err);

        try (Admin admin = admin()) {
            Map<String, TopicDescription> found = admin.describeTopics(
                    List.of(declared.prompts, declared.responses, declared.embeddings, declared.deadLetter))
                    .allTopicNames().get();
            assertEquals(6, found.get(declared.prompts).partitions().size());
            assertEquals(3, found.get(declared.responses).partitions().size());
            assertEquals(3, found.get(declared.embeddings).partitions().size());
            assertEquals(1, found.get(declared.deadLetter).partitions().size());
        }
    }

    @Test
    void shouldRefuseAPromptsTopicWithFewerPartitionsThanDeclared() throws Exception {
        TestTopics declared = TestTopics.write(dir, "narrow", 6);
        try (Admin admin = admin()) {
            admin.createTopics(Set.of(new NewTopic(declared.prompts, 2, (short) 1))).all().get();
        }

        assertEquals(2, topics(declared.file));
        assertTrue(err.toString().contains(declared.prompts + " has 2 partitions but 6 are declared"), err.toString());
        assertTrue(err.toString().contains("--alter --partitions 6"), "says how to fix it: " + err);
    }

    @Test
    void shouldExplainAMissingTopicThatCannotBeCreated() throws Exception {
        // One broker cannot hold three replicas.
        TestTopics declared = TestTopics.write(dir, "replicated", 3);
        Path yaml = dir.resolve("replicated.yaml");
        Files.writeString(yaml, Files.readString(declared.file).replaceFirst("replicationFactor: 1", "replicationFactor: 3"));

        assertEquals(2, topics(yaml));
        assertTrue(err.toString().contains(declared.prompts + " is missing and cannot be created"), err.toString());
    }
}

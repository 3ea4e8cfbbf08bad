package io.github.geministreams.integration.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.cli.GeminiStreamsCommand;
import io.github.geministreams.serde.Json;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gemini-streams produce} against a real embedded broker: one record a non-blank line, keyed by the prompt's id. */
class ProduceCommandIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    private int produce(TestTopics topics, String... args) {
        CommandLine commandLine = GeminiStreamsCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>(List.of("produce", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topics-file", topics.file.toString()));
        all.addAll(List.of(args));
        return commandLine.execute(all.toArray(String[]::new));
    }

    /** A prompts topic of one partition, so the records keep the order of the lines. */
    private TestTopics topics(String prefix) throws IOException {
        TestTopics topics = TestTopics.write(dir, prefix, 1);
        KAFKA.createTopic(topics.prompts, 1);
        return topics;
    }

    /** Every record of the topic, read to its end offsets: the command has returned, so all of them. */
    private static List<ConsumerRecord<byte[], byte[]>> read(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = TestClients.readToEnd(KAFKA.bootstrapServers(), "read_committed",
                List.of(topic));
        assertEquals(expected, records.size(), "records on " + topic);
        return records;
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, UTF_8);
    }

    @Test
    void shouldSendEachNonBlankLineUnchangedKeyedByItsIdIfItHasOne() throws IOException {
        TestTopics topics = topics("produce-auto");
        List<String> lines = List.of(
                "Why is the sky blue?",
                "{\"id\":\"q1\",\"prompt\":\"Kafka in one line\",\"tasks\":[\"generate\",\"embed\"]}",
                "   ",
                "{\"prompt\":\"no id here\"}",
                "{not json",
                "[1, 2]");
        Path file = Files.write(dir.resolve("prompts.txt"), lines, UTF_8);

        assertEquals(0, produce(topics, file.toString()), err.toString());

        List<ConsumerRecord<byte[], byte[]>> records = read(topics.prompts, 5);
        assertEquals(5, records.size(), "one record per non-blank line");
        List<String> keys = records.stream().map(record -> text(record.key())).toList();
        List<String> values = records.stream().map(record -> text(record.value())).toList();
        assertEquals(Arrays.asList(null, "q1", null, null, null), keys);
        assertEquals(List.of(lines.get(0), lines.get(1), lines.get(3), lines.get(4), lines.get(5)), values,
                "the pipeline judges each line; produce sends it as it is");
    }

    @Test
    void shouldAddTasksToPromptsThatNameNone() throws IOException {
        TestTopics topics = topics("produce-tasks");
        Path file = Files.write(dir.resolve("prompts.jsonl"), List.of(
                "plain text",
                "{\"id\":\"e1\",\"prompt\":\"embed me\"}",
                "{\"id\":\"g1\",\"prompt\":\"keep mine\",\"tasks\":[\"generate\"]}"), UTF_8);

        assertEquals(0, produce(topics, "--tasks", "embed", file.toString()), err.toString());

        List<ConsumerRecord<byte[], byte[]>> records = read(topics.prompts, 3);
        assertEquals(3, records.size());
        JsonNode plain = Json.MAPPER.readTree(records.get(0).value());
        assertNull(records.get(0).key());
        assertEquals("plain text", plain.get("prompt").asText());
        assertEquals("[\"embed\"]", plain.get("tasks").toString());
        assertEquals("e1", text(records.get(1).key()));
        assertEquals("[\"embed\"]", Json.MAPPER.readTree(records.get(1).value()).get("tasks").toString());
        assertEquals("g1", text(records.get(2).key()));
        assertEquals("[\"generate\"]", Json.MAPPER.readTree(records.get(2).value()).get("tasks").toString(),
                "tasks the prompt names stay");
    }
}

package io.github.geministreams.integration.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.cli.GeminiStreamsCommand;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gemini-streams consume -o} against a real embedded broker, over what the application
 * writes for hostile prompts: every output record must reach the file, whatever it holds.
 */
class ConsumeCommandIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private final StringWriter err = new StringWriter();

    private int consume(String... args) {
        CommandLine commandLine = GeminiStreamsCommand.commandLine();
        commandLine.setOut(new PrintWriter(new StringWriter(), true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void shouldWriteEveryOutputRecordToTheFileEvenTextWithLoneSurrogates() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(5)).build()));
        TestTopics topics = TestTopics.write(dir, "consume", 2);
        AppConfig config = InProcessApps.config(KAFKA.bootstrapServers(), simulator, Map.of("application.id", "consume-app",
                "topics.file", topics.file.toString(), "state.dir", dir.resolve("state").toString(), "metrics.port", "-1"));
        InProcessApps.start(closer, config);

        List<ProducerRecord<byte[], byte[]>> prompts = hostilePrompts(topics.prompts);
        TestClients.produce(KAFKA.bootstrapServers(), prompts);
        // Each prompt names no tasks, so it is generated once: one output record per prompt.
        try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "consume-app", topics.prompts)) {
            drain.await(Duration.ofMinutes(1));
        }
        List<String> committed = TestClients.readToEnd(KAFKA.bootstrapServers(), "read_committed",
                        List.of(topics.responses, topics.embeddings, topics.deadLetter)).stream()
                .map(record -> record.topic() + "/" + record.partition() + "/" + record.offset()).sorted().toList();
        assertEquals(prompts.size(), committed.size(), "one output record per prompt");

        Path results = dir.resolve("results.jsonl");
        int exit = consume("consume", "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--topics-file", topics.file.toString(), "-o", results.toString(), "--timeout", "2s");

        assertEquals(0, exit, err.toString());
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(results, UTF_8)) {
            lines.add(Json.MAPPER.readTree(line));
        }
        assertEquals(prompts.size(), lines.size(), "one line per output record");
        List<String> written = lines.stream().map(line -> line.get("topic").asText() + "/"
                + line.get("partition").asInt() + "/" + line.get("offset").asLong()).sorted().toList();
        assertEquals(committed, written, "every output record, once");
        Map<String, JsonNode> answers = new HashMap<>();
        lines.forEach(line -> answers.put(line.path("key").asText(), line.path("value")));
        assertEquals("bad surrogate \ud800 here", answers.get("lone-high").path("prompt").asText(),
                "a lone surrogate reads back as it was written");
        assertEquals("\udc00 first", answers.get("lone-low").path("prompt").asText());
        assertEquals("\udfff\ud800 reversed", answers.get("lone-low").path("attributes").path("pair").asText());
        assertTrue(Files.readString(results, UTF_8).contains("\ud83d\ude00"), "a valid surrogate pair stays as it is");
    }

    /** The kinds of HostileInputIT (bad input, odd headers, no key) with text no UTF-8 encoder can write. */
    private static List<ProducerRecord<byte[], byte[]>> hostilePrompts(String topic) {
        Random random = new Random(7);
        byte[] binary = new byte[4096];
        random.nextBytes(binary);
        RecordHeaders oddHeaders = new RecordHeaders();
        oddHeaders.add("null-value", null);
        oddHeaders.add("binary", new byte[] {(byte) 0xFF, 0, (byte) 0xC3});
        oddHeaders.add("", "empty name".getBytes(UTF_8));

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new ProducerRecord<>(topic, ("plain-" + i).getBytes(UTF_8), ("question " + i).getBytes(UTF_8)));
        }
        records.add(new ProducerRecord<>(topic, "lone-high".getBytes(UTF_8),
                "{\"prompt\":\"bad surrogate \\ud800 here\"}".getBytes(UTF_8)));
        records.add(new ProducerRecord<>(topic, "lone-low".getBytes(UTF_8),
                "{\"prompt\":\"\\udc00 first\",\"attributes\":{\"pair\":\"\\udfff\\ud800 reversed\"}}".getBytes(UTF_8)));
        records.add(new ProducerRecord<>(topic, "emoji".getBytes(UTF_8), "{\"prompt\":\"smile \\ud83d\\ude00\"}".getBytes(UTF_8)));
        records.add(new ProducerRecord<>(topic, "binary".getBytes(UTF_8), binary));
        records.add(new ProducerRecord<>(topic, "invalid-utf8".getBytes(UTF_8), new byte[] {'h', 'i', (byte) 0xC3, (byte) 0x28}));
        records.add(new ProducerRecord<>(topic, "nested".getBytes(UTF_8),
                ("{\"prompt\":\"x\",\"attributes\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(UTF_8)));
        records.add(new ProducerRecord<>(topic, 0, "odd-headers".getBytes(UTF_8), "odd headers".getBytes(UTF_8), oddHeaders));
        records.add(new ProducerRecord<>(topic, null, "a prompt without a key".getBytes(UTF_8)));
        for (int i = 10; i < 20; i++) {
            records.add(new ProducerRecord<>(topic, ("plain-" + i).getBytes(UTF_8), ("question " + i).getBytes(UTF_8)));
        }
        return records;
    }
}

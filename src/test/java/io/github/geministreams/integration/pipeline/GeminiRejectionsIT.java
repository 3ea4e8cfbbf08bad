package io.github.geministreams.integration.pipeline;

import static io.github.geministreams.testing.RecordContents.floats;
import static io.github.geministreams.testing.RecordContents.headerOrEmpty;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.DeterministicEmbedding;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Gemini refuses, in a running pipeline, through the real SDK and the simulator: a poison
 * text makes the API reject its whole embed batch (only that text is dead-lettered, its batch
 * mates are answered); a batch over the API's size limit is rejected with no text at fault
 * (every text is answered); a poison prompt is dead-lettered after one attempt with the 400;
 * a safety-blocked prompt is an answer marked blocked, not a failure.
 */
class GeminiRejectionsIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int EMBED_PROMPTS = 60;
    private static final int GENERATE_PROMPTS = 10;
    /** Smaller than the batches the application sends, so that whole batches are rejected. */
    private static final int MAX_EMBED_BATCH = 10;
    private static final Set<Integer> POISON_TEXTS = Set.of(17, 42);
    private static final int POISON_PROMPT = 3;
    private static final Set<Integer> UNSAFE_PROMPTS = Set.of(5, 7);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldDeadLetterOnlyWhatGeminiRejectsAndAnswerTheRest() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .maxEmbedBatch(MAX_EMBED_BATCH)
                .build()));
        TestTopics topics = TestTopics.write(dir, "rejections", 1);
        Map<String, String> settings = new HashMap<>(
                FaultyGeminiScenario.settings("rejections-app", topics, dir.resolve("state")));
        // Full batches: every text arrives at once and waits for its batch mates.
        settings.put("embed.bundle.policy", "fixed");
        settings.put("embed.bundle.max.wait", "500ms");
        settings.put("gemini.embed.dimensions", "16");
        InProcessApps.start(closer, InProcessApps.config(KAFKA.bootstrapServers(), simulator, settings));

        ExpectedOutcomes expected = new ExpectedOutcomes();
        Map<String, String> texts = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < EMBED_PROMPTS; i++) {
            String id = "e-" + i;
            String text = POISON_TEXTS.contains(i) ? "a poison INVALID_TRIGGER text " + i : "a document to embed " + i;
            records.add(prompt(topics.prompts, id, text, "embed"));
            texts.put(id, text);
            if (POISON_TEXTS.contains(i)) {
                expected.deadLettered(id, "embed");
            } else {
                expected.answered(id, "embed");
            }
        }
        for (int i = 0; i < GENERATE_PROMPTS; i++) {
            String id = "g-" + i;
            String text = i == POISON_PROMPT ? "a poison INVALID_TRIGGER question"
                    : UNSAFE_PROMPTS.contains(i) ? "tell me something UNSAFE_TRIGGER " + i : "a question " + i;
            records.add(prompt(topics.prompts, id, text, "generate"));
            if (i == POISON_PROMPT) {
                expected.deadLettered(id, "generate");
            } else {
                expected.answered(id, "generate");
            }
        }
        TestClients.produce(KAFKA.bootstrapServers(), records);

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "rejections-app", topics.prompts)) {
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
        }

        String servers = KAFKA.bootstrapServers();
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(servers, topics.deadLetter)) {
            String id = new String(record.key(), UTF_8);
            assertEquals("400", headerOrEmpty(record.headers(), "gemini-streams.http.status"),
                    id + " was rejected with a 400");
            assertEquals("1", headerOrEmpty(record.headers(), "gemini-streams.attempts"),
                    id + ": a 400 is not retried");
            assertTrue(headerOrEmpty(record.headers(), "__streams.errors.message").contains("INVALID_ARGUMENT"),
                    id + ": " + headerOrEmpty(record.headers(), "__streams.errors.message"));
        }
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(servers, topics.embeddings)) {
            JsonNode embedding = Json.MAPPER.readTree(record.value());
            String id = embedding.get("id").asText();
            assertArrayEquals(DeterministicEmbedding.of(texts.get(id), 16), floats(embedding.get("values")),
                    id + " got its own text's vector, whatever batch it was answered in");
        }
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(servers, topics.responses)) {
            JsonNode response = Json.MAPPER.readTree(record.value());
            int number = Integer.parseInt(response.get("id").asText().substring(2));
            assertEquals(UNSAFE_PROMPTS.contains(number), response.get("blocked").asBoolean(), response.toString());
        }
        var stats = simulator.counters().snapshot();
        // At least: the first batch of 60 (over the limit) and its halves, and the poison prompt.
        assertTrue(stats.errors400() >= 3, "whole batches were rejected: " + stats);
        assertEquals(UNSAFE_PROMPTS.size(), stats.safetyBlocks(), stats.toString());
        System.out.printf("rejections run: %d embed texts (%d poison), %d prompts (1 poison, %d unsafe): %d 400s, "
                        + "%d batch embed requests for %d texts embedded; simulator %s%n", EMBED_PROMPTS, POISON_TEXTS.size(),
                GENERATE_PROMPTS, UNSAFE_PROMPTS.size(), stats.errors400(), stats.batchEmbedRequests(),
                stats.itemsEmbedded(), stats);
    }

    private static ProducerRecord<byte[], byte[]> prompt(String topic, String id, String text, String task) {
        String value = "{\"id\":\"" + id + "\",\"prompt\":\"" + text + "\",\"tasks\":[\"" + task + "\"]}";
        return TestClients.record(topic, id, value);
    }
}

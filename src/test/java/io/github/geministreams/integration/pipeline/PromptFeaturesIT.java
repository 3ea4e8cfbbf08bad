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
import io.github.geministreams.simulator.ModelFaults;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every prompt feature in one running pipeline, through the real SDK and the simulator, on the
 * embedded broker: templates, structured output (a named schema, and an answer that never
 * parses), generation settings, multimodal parts, the allowed models, the context guard,
 * model fallback (the generate model's daily quota runs out part-way) and per-key order.
 * Every prompt ends exactly once, in an output or the dead-letter topic with the designed
 * stage, and the only Gemini call repeated is the one the design asks for (the second try
 * of a broken JSON answer).
 */
class PromptFeaturesIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final String MODEL = "gemini-2.5-flash";
    private static final String FALLBACK = "gemini-2.0-flash";
    /** The generate model's daily quota: the prompts after these are answered by the fallback. */
    private static final int MODEL_REQUESTS_PER_DAY = 8;
    private static final int TURNS_PER_CUSTOMER = 6;
    private static final List<String> CUSTOMERS = List.of("customer-a", "customer-b");
    private static final int DIMENSIONS = 16;
    /** A 1x1 PNG. */
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    private static final String PROMPTS_FILE = """
            templates:
              ticket: "Classify this support ticket into one of {{categories}}: {{text}}"
            schemas:
              ticket-class:
                type: object
                properties:
                  category: {type: string}
                  confidence: {type: number}
                required: [category]
            defaults:
              generation: {temperature: 0.3}
            """;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldAnswerOrDeadLetterEveryFeatureExactlyOnce() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(50))
                .modelFaults(ModelFaults.NONE.withRequestsPerDay(MODEL, MODEL_REQUESTS_PER_DAY))
                .build()));
        TestTopics topics = TestTopics.write(dir, "features", 2);
        Map<String, String> settings = new HashMap<>(
                FaultyGeminiScenario.settings("features-app", topics, dir.resolve("state")));
        settings.put("prompts.file", Files.writeString(dir.resolve("prompts.yaml"), PROMPTS_FILE).toString());
        settings.put("gemini.generate.model", MODEL);
        settings.put("gemini.generate.model.fallbacks", FALLBACK);
        settings.put("gemini.context.limits", "gemini-embedding-001=60");
        settings.put("gemini.embed.dimensions", String.valueOf(DIMENSIONS));
        settings.put("ordering", "key");
        InProcessApps.start(closer, InProcessApps.config(KAFKA.bootstrapServers(), simulator, settings));

        ExpectedOutcomes expected = new ExpectedOutcomes();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int turn = 0; turn < TURNS_PER_CUSTOMER; turn++) {
            for (String customer : CUSTOMERS) {
                String id = customer + "-" + turn;
                records.add(TestClients.record(topics.prompts, customer,
                        "{\"id\":\"" + id + "\",\"prompt\":\"turn " + turn + " of " + customer + "\"}"));
                expected.answered(id, "generate");
            }
        }
        add(records, expected, topics.prompts, "ticket", "{\"id\":\"ticket\",\"template\":\"ticket\","
                + "\"categories\":[\"billing\",\"bug\"],\"text\":\"charged twice & angry\"}", "generate");
        add(records, expected, topics.prompts, "ticket-incomplete",
                "{\"id\":\"ticket-incomplete\",\"template\":\"ticket\",\"categories\":[\"billing\"]}", "parse");
        add(records, expected, topics.prompts, "classified", "{\"id\":\"classified\",\"prompt\":\"Classify: charged twice\","
                + "\"generation\":{\"schema\":\"ticket-class\",\"temperature\":0}}", "generate");
        add(records, expected, topics.prompts, "never-json", "{\"id\":\"never-json\",\"prompt\":\"INVALID_JSON_TRIGGER\","
                + "\"model\":\"" + FALLBACK + "\",\"generation\":{\"responseJsonSchema\":{\"type\":\"object\"}}}", "validate");
        add(records, expected, topics.prompts, "tuned", "{\"id\":\"tuned\",\"prompt\":\"Three words on Kafka\","
                + "\"generation\":{\"temperature\":0.5,\"maxOutputTokens\":50,\"stopSequences\":[\"END\"]}}", "generate");
        add(records, expected, topics.prompts, "too-hot",
                "{\"id\":\"too-hot\",\"prompt\":\"x\",\"generation\":{\"temperature\":5}}", "parse");
        add(records, expected, topics.prompts, "picture", "{\"id\":\"picture\",\"prompt\":\"What is this?\","
                + "\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + PNG + "\"}}]}", "generate");
        add(records, expected, topics.prompts, "picture-embed", "{\"id\":\"picture-embed\",\"tasks\":[\"embed\"],"
                + "\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + PNG + "\"}}]}", "parse");
        add(records, expected, topics.prompts, "unlisted-model",
                "{\"id\":\"unlisted-model\",\"prompt\":\"x\",\"model\":\"gemini-ultra-9000\"}", "parse");
        add(records, expected, topics.prompts, "too-long", "{\"id\":\"too-long\",\"tasks\":[\"embed\"],\"prompt\":\""
                + "a long document ".repeat(25) + "\"}", "parse");
        add(records, expected, topics.prompts, "short", "{\"id\":\"short\",\"tasks\":[\"embed\"],\"prompt\":\"short text\"}",
                "embed");
        TestClients.produce(KAFKA.bootstrapServers(), records);

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "features-app", topics.prompts)) {
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(2));
        }

        String servers = KAFKA.bootstrapServers();
        Map<String, ConsumerRecord<byte[], byte[]>> responses = byId(TestClients.readCommitted(servers, topics.responses));
        assertEquals("Classify this support ticket into one of billing, bug: charged twice & angry",
                json(responses.get("ticket")).get("prompt").asText(), "rendered without HTML escaping");
        assertTrue(json(responses.get("classified")).get("json").get("category").isTextual(),
                "the parsed answer matches the schema: " + json(responses.get("classified")));
        assertTrue(json(responses.get("picture")).get("text").asText().contains(sha256Prefix(PNG)),
                "the image's bytes reached Gemini intact: " + json(responses.get("picture")));
        assertPerKeyOrder(responses);
        Map<String, Integer> answeredBy = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> response : responses.values()) {
            answeredBy.merge(json(response).get("model").asText(), 1, Integer::sum);
        }
        assertEquals(2, answeredBy.size(), "the generate model, then its fallback: " + answeredBy);
        assertTrue(answeredBy.get(MODEL) <= MODEL_REQUESTS_PER_DAY && answeredBy.get(FALLBACK) > 0, answeredBy.toString());

        JsonNode embedding = json(TestClients.readCommitted(servers, topics.embeddings).get(0));
        assertArrayEquals(DeterministicEmbedding.of("short text", DIMENSIONS), floats(embedding.get("values")));

        Map<String, ConsumerRecord<byte[], byte[]>> deadLetters = byKey(TestClients.readCommitted(servers, topics.deadLetter));
        assertTrue(reason(deadLetters.get("ticket-incomplete")).contains("'text'"), reason(deadLetters.get("ticket-incomplete")));
        assertTrue(reason(deadLetters.get("too-hot")).contains("temperature"), reason(deadLetters.get("too-hot")));
        assertTrue(reason(deadLetters.get("picture-embed")).contains("embed takes text only"),
                reason(deadLetters.get("picture-embed")));
        assertTrue(reason(deadLetters.get("unlisted-model")).contains("not allowed"), reason(deadLetters.get("unlisted-model")));
        assertTrue(reason(deadLetters.get("too-long")).contains("accepts 60 input tokens"), reason(deadLetters.get("too-long")));
        // It names a model without a daily limit, so that its two requests are not split by a fallback.
        assertEquals("2", headerOrEmpty(deadLetters.get("never-json").headers(), "gemini-streams.attempts"),
                "a broken answer is asked for once more, then dead-lettered");

        var stats = simulator.counters().snapshot();
        assertEquals(1, stats.repeatedItems(), "the second try of the broken JSON answer, and no other: " + stats);
        System.out.printf("features run: %d prompts, answered by %s, %d dead-lettered, %d repeated Gemini calls; "
                + "simulator %s%n", records.size(), answeredBy, expected.deadLetters(), stats.repeatedItems(), stats);
    }

    /** Each customer's responses were written in the order of its prompts: one at a time, a latency apart. */
    private static void assertPerKeyOrder(Map<String, ConsumerRecord<byte[], byte[]>> responses) throws Exception {
        for (String customer : CUSTOMERS) {
            List<ConsumerRecord<byte[], byte[]>> turns = new ArrayList<>();
            for (int turn = 0; turn < TURNS_PER_CUSTOMER; turn++) {
                turns.add(responses.get(customer + "-" + turn));
            }
            List<Long> offsets = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> turn : turns) {
                offsets.add(json(turn).get("source").get("offset").asLong());
            }
            assertEquals(offsets.stream().sorted().toList(), offsets, customer + "'s prompts were produced in turn order");
            for (int turn = 1; turn < turns.size(); turn++) {
                assertTrue(turns.get(turn).timestamp() > turns.get(turn - 1).timestamp(), customer + ": turn " + turn
                        + " written at " + turns.get(turn).timestamp() + ", not after turn " + (turn - 1) + " at "
                        + turns.get(turn - 1).timestamp());
            }
        }
    }

    private static void add(List<ProducerRecord<byte[], byte[]>> records, ExpectedOutcomes expected, String topic,
                            String id, String value, String slot) {
        records.add(TestClients.record(topic, id, value));
        if (slot.equals("generate") || slot.equals("embed")) {
            expected.answered(id, slot);
        } else {
            expected.deadLettered(id, slot);
        }
    }

    private static Map<String, ConsumerRecord<byte[], byte[]>> byId(List<ConsumerRecord<byte[], byte[]>> records)
            throws Exception {
        Map<String, ConsumerRecord<byte[], byte[]>> byId = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            byId.put(json(record).get("id").asText(), record);
        }
        return byId;
    }

    /** Dead letters keep the original key: the prompt's id here, except the customers' turns. */
    private static Map<String, ConsumerRecord<byte[], byte[]>> byKey(List<ConsumerRecord<byte[], byte[]>> records) {
        Map<String, ConsumerRecord<byte[], byte[]>> byKey = new TreeMap<>();
        records.stream().sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .forEach(record -> byKey.put(new String(record.key(), UTF_8), record));
        return byKey;
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) throws IOException {
        return Json.MAPPER.readTree(record.value());
    }

    private static String reason(ConsumerRecord<byte[], byte[]> deadLetter) {
        return headerOrEmpty(deadLetter.headers(), "__streams.errors.message");
    }

    private static String sha256Prefix(String base64) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Base64.getDecoder().decode(base64));
        return HexFormat.of().formatHex(digest).substring(0, 8);
    }
}

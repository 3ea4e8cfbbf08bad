package io.github.geministreams.integration.pipeline;

import static io.github.geministreams.testing.RecordContents.headerOrEmpty;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model fallback in a running pipeline, through the real SDK and the simulator: the generate
 * model's daily quota runs out part-way, the first fallback model is overloaded, and the
 * second answers the rest; every prompt is answered exactly once, none is held or
 * dead-lettered, and each response names the model that answered. A prompt that names the
 * overloaded model gets no fallback: it is dead-lettered with the 503.
 */
class ModelFallbackIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final String FIRST = "gemini-2.5-flash";
    private static final String SECOND = "gemini-2.0-flash";
    private static final String THIRD = "gemini-2.0-flash-lite";
    private static final int PROMPTS = 40;
    private static final int FIRST_MODELS_DAY = 10;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldAnswerEveryPromptWithTheNextModelThatCan() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .modelFaults(ModelFaults.NONE.withRequestsPerDay(FIRST, FIRST_MODELS_DAY)
                        .withOverloaded(List.of(SECOND)))
                .build()));
        TestTopics topics = TestTopics.write(dir, "fallback", 1);
        Map<String, String> settings = new HashMap<>(
                FaultyGeminiScenario.settings("fallback-app", topics, dir.resolve("state")));
        settings.put("gemini.generate.model", FIRST);
        settings.put("gemini.generate.model.fallbacks", SECOND + "," + THIRD);
        settings.put("gemini.max.attempts", "3");
        InProcessApps.start(closer, InProcessApps.config(KAFKA.bootstrapServers(), simulator, settings));

        ExpectedOutcomes expected = new ExpectedOutcomes();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < PROMPTS; i++) {
            records.add(TestClients.record(topics.prompts, "p-" + i,
                    "{\"id\":\"p-" + i + "\",\"prompt\":\"question " + i + "\"}"));
            expected.answered("p-" + i, "generate");
        }
        records.add(TestClients.record(topics.prompts, "named",
                "{\"id\":\"named\",\"prompt\":\"q\",\"model\":\"" + SECOND + "\"}"));
        expected.deadLettered("named", "generate");
        TestClients.produce(KAFKA.bootstrapServers(), records);

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "fallback-app", topics.prompts)) {
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
        }

        Map<String, Integer> answeredBy = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(KAFKA.bootstrapServers(), topics.responses)) {
            JsonNode response = Json.MAPPER.readTree(record.value());
            String model = response.get("model").asText();
            answeredBy.merge(model, 1, Integer::sum);
            if (model.equals(THIRD)) {
                JsonNode tried = response.get("attemptsByModel");
                assertEquals(3, tried.get(SECOND).asInt(), "the overloaded model's retries: " + response);
                assertEquals(tried.get(FIRST).asInt() + 3 + 1, response.get("attempts").asInt(), response.toString());
            }
        }
        assertEquals(Map.of(FIRST, FIRST_MODELS_DAY, THIRD, PROMPTS - FIRST_MODELS_DAY), answeredBy);

        ConsumerRecord<byte[], byte[]> deadLetter =
                TestClients.readCommitted(KAFKA.bootstrapServers(), topics.deadLetter).get(0);
        assertEquals("503", headerOrEmpty(deadLetter.headers(), "gemini-streams.http.status"));
        assertEquals("3", headerOrEmpty(deadLetter.headers(), "gemini-streams.attempts"));
        var stats = simulator.counters().snapshot();
        assertTrue(stats.dailyQuota429s() >= 1, stats.toString());
        System.out.printf("fallback run: answered by %s; simulator %s%n", answeredBy, stats);
    }
}

package io.github.geministreams.integration.batchjob;

import static io.github.geministreams.testing.RecordContents.floats;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.DeterministicEmbedding;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.simulator.SimulatorCounters;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.Fleet;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One of two instances is killed with SIGKILL while its Gemini batch jobs are running (created,
 * not finished) and replaced, on the embedded broker with the simulator's Batch API. The
 * instances that take its tasks over find its jobs again (by display name, or from the job
 * records that committed) instead of creating them anew: every batch prompt is submitted to the
 * Batch API exactly once, never sent online, and answered exactly once.
 */
class BatchModeKillIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int PROMPTS = 600;
    private static final int DIMENSIONS = 16;
    /** Long enough that every job of the killed instance is still running when it dies. */
    private static final Duration TURNAROUND = Duration.ofSeconds(20);

    @RegisterExtension
    final Fleet fleet = new Fleet(KAFKA);

    @Test
    void shouldSubmitNoBatchPromptTwiceWhenAnInstanceIsKilledWhileItsJobsRun() throws Exception {
        GeminiSimulator simulator = fleet.simulator(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .batchTurnaround(TURNAROUND));
        TestTopics topics = TestTopics.write(fleet.dir(), "batchkill", 6);
        List<String> args = fleet.runArgs("batchkill-app", topics, Map.of(
                "gemini.embed.dimensions", String.valueOf(DIMENSIONS),
                "gemini.batch.max.prompts", "50",
                "gemini.batch.max.wait", "2s",
                "gemini.batch.poll.initial", "1s",
                "gemini.batch.poll.max", "2s",
                // A task taking over an intent looks it up after two request timeouts.
                "gemini.request.timeout", "5s"));
        AppProcess survivor = fleet.start("batchkill-0", args, simulator);
        AppProcess victim = fleet.start("batchkill-1", args, simulator);
        survivor.awaitLog("is RUNNING", Duration.ofSeconds(120));
        victim.awaitLog("is RUNNING", Duration.ofSeconds(120));

        ExpectedOutcomes expected = new ExpectedOutcomes();
        Map<String, String> texts = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        int batchTasks = 0;
        for (int i = 0; i < PROMPTS; i++) {
            String id = "p-" + i;
            String[] tasks = switch (i % 3) {
                case 0 -> new String[] {"generate"};
                case 1 -> new String[] {"embed"};
                default -> new String[] {"generate", "embed"};
            };
            String text = "Batch prompt number " + i + " for " + String.join(" and ", tasks);
            texts.put(id, text);
            records.add(TestClients.record(topics.prompts, id, "{\"id\":\"" + id + "\",\"prompt\":\"" + text
                    + "\",\"tasks\":[\"" + String.join("\",\"", tasks) + "\"],\"mode\":\"batch\"}"));
            expected.answered(id, tasks);
            batchTasks += tasks.length;
        }
        long produced = System.nanoTime();
        TestClients.produce(KAFKA.bootstrapServers(), records);

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter)) {
            victim.awaitLog("Created Gemini batch job", Duration.ofSeconds(60));
            victim.kill();
            Duration beforeKill = Duration.ofNanos(System.nanoTime() - produced);
            SimulatorCounters.Snapshot atKill = simulator.counters().snapshot();
            ledger.poll(Duration.ofMillis(100));
            int outcomesAtKill = ledger.records();
            AppProcess replacement = fleet.start("batchkill-replacement", args, simulator);
            replacement.awaitLog("is RUNNING", Duration.ofSeconds(120));
            try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "batchkill-app", topics.prompts)) {
                ledger.awaitExactly(expected, drain, Duration.ofMinutes(3));
            }
            double seconds = (System.nanoTime() - produced) / 1e9;

            assertTrue(beforeKill.compareTo(TURNAROUND) < 0, "killed before any job could finish: " + beforeKill);
            assertTrue(atKill.batchJobsCreated() >= 1, atKill.toString());
            assertEquals(0, outcomesAtKill, "nothing answered before the kill");
            SimulatorCounters.Snapshot stats = simulator.counters().snapshot();
            assertEquals(0, stats.batchRequestsSubmittedTwice(), "no prompt submitted in two jobs: " + stats);
            assertEquals(batchTasks, stats.batchRequestsSubmitted(), "each batch task submitted once: " + stats);
            assertEquals(0, stats.promptsGenerated() + stats.itemsEmbedded(), "no batch prompt went online: " + stats);

            Map<String, JsonNode> jobs = new LinkedHashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(KAFKA.bootstrapServers(),
                    topics.batchJobs)) {
                jobs.put(new String(record.key(), UTF_8), Json.MAPPER.readTree(record.value()));
            }
            assertEquals(stats.batchJobsCreated(), jobs.size(), "one record per job created: " + jobs.keySet());
            int answeredByJobs = 0;
            for (JsonNode job : jobs.values()) {
                assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
                answeredByJobs += job.get("succeeded").asInt();
            }
            assertEquals(batchTasks, answeredByJobs, "answered by the jobs");
            for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(KAFKA.bootstrapServers(),
                    topics.embeddings)) {
                JsonNode embedding = Json.MAPPER.readTree(record.value());
                assertEquals("batch", embedding.get("mode").asText(), embedding.toString());
                assertArrayEquals(DeterministicEmbedding.of(texts.get(embedding.get("id").asText()), DIMENSIONS),
                        floats(embedding.get("values")), embedding.toString());
            }
            for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(KAFKA.bootstrapServers(),
                    topics.responses)) {
                assertEquals("batch", Json.MAPPER.readTree(record.value()).get("mode").asText());
            }
            String takers = survivor.logText() + replacement.logText();
            long foundByDisplayName = takers.split("exists already as", -1).length - 1;
            System.out.printf("batch kill run: %d prompts, %d outcomes, 0 lost, 0 duplicated; SIGKILL of 1 of 2 "
                            + "instances %.1f s after producing, %d batch jobs created by then; %d batch jobs created "
                            + "in all (%d found again by display name after the kill), %d batch requests submitted "
                            + "for %d batch tasks, %d submitted twice; repeated online calls %d (online: %d generated, "
                            + "%d embedded); %d batches.list calls; %.1f s in all; simulator %s%n",
                    PROMPTS, expected.count(), beforeKill.toMillis() / 1e3, atKill.batchJobsCreated(),
                    stats.batchJobsCreated(), foundByDisplayName, stats.batchRequestsSubmitted(), batchTasks,
                    stats.batchRequestsSubmittedTwice(), stats.repeatedItems(), stats.promptsGenerated(),
                    stats.itemsEmbedded(), stats.batchLists(), seconds, stats);
        }
    }
}

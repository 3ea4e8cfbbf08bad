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
import io.github.geministreams.simulator.SimulatedBatchJobs;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.simulator.SimulatorCounters;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch mode in a running pipeline, on the embedded broker, through the real SDK and the
 * simulator's Batch API: online and batch prompts side by side, generate and embed, a request that
 * fails inside its job, bad input, and a job that fails as a whole. Every prompt ends exactly once
 * where it was designed to end; batch prompts are answered by jobs only (never online, never
 * submitted twice), in as many jobs as the settings imply, and every job's last record on
 * {@code batch-jobs} says how it ended.
 */
class BatchModeIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int PARTITIONS = 6;
    private static final int MAX_PROMPTS = 30;
    private static final String MAX_WAIT = "6s";
    private static final int DIMENSIONS = 16;
    private static final Duration TURNAROUND = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldAnswerBatchPromptsInTheJobsTheSettingsImplyAndOnlinePromptsOnline() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .batchTurnaround(TURNAROUND)
                .build()));
        TestTopics topics = TestTopics.write(dir, "batchmode", PARTITIONS);
        InProcessApps.start(closer, InProcessApps.config(KAFKA.bootstrapServers(), simulator,
                settings("batchmode-app", topics, "dead-letter")));

        Prompts prompts = new Prompts(topics.prompts);
        for (int i = 0; i < 200; i++) {
            prompts.batch("bg-" + i, "Batch question " + i + " about streams", "generate");
        }
        for (int i = 0; i < 60; i++) {
            prompts.batch("be-" + i, "Batch document " + i + " on compaction", "embed");
        }
        for (int i = 0; i < 10; i++) {
            prompts.batch("bb-" + i, "Batch text " + i + " wanting both", "generate", "embed");
        }
        for (int i = 0; i < 20; i++) {
            prompts.online("og-" + i, "Online question " + i, "generate");
            prompts.online("oe-" + i, "Online document " + i, "embed");
        }
        prompts.online("ob-0", "Online text wanting both", "generate", "embed");
        prompts.batchFailing("bg-fails", "generate");
        prompts.batchFailing("be-fails", "embed");
        prompts.badInput("bad", "{\"id\":\"bad\",\"prompt\":\"x\",\"mode\":\"sometimes\"}");
        TestClients.produce(KAFKA.bootstrapServers(), prompts.records);

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "batchmode-app", topics.prompts)) {
            ledger.awaitExactly(prompts.expected, drain, Duration.ofMinutes(2));
            for (String reason : ledger.deadLetterReasons()) {
                assertTrue(reason.startsWith("bad [parse]") || reason.contains(SimulatedBatchJobs.ITEM_FAILURE_TRIGGER), reason);
            }
        }

        String servers = KAFKA.bootstrapServers();
        assertModes(TestClients.readCommitted(servers, topics.responses), prompts);
        List<ConsumerRecord<byte[], byte[]>> embeddings = TestClients.readCommitted(servers, topics.embeddings);
        assertModes(embeddings, prompts);
        for (ConsumerRecord<byte[], byte[]> record : embeddings) {
            JsonNode embedding = json(record);
            String id = embedding.get("id").asText();
            assertArrayEquals(DeterministicEmbedding.of(prompts.texts.get(id), DIMENSIONS),
                    floats(embedding.get("values")), "the vector of " + id);
        }

        SimulatorCounters.Snapshot stats = simulator.counters().snapshot();
        Map<String, JsonNode> jobs = lastRecordPerJob(servers, topics.batchJobs);
        // A job is cut when full or when its oldest prompt has waited max.wait: on a busy machine a group's prompts
        // can straddle a cut, so the count may exceed the least the sizes imply; no job may exceed max.prompts.
        assertTrue(stats.batchJobsCreated() >= prompts.jobsImplied(MAX_PROMPTS), "at least ceil(prompts / "
                + MAX_PROMPTS + ") jobs per partition, task and model of " + prompts.batchTasksPerGroup + ": " + stats);
        assertEquals(prompts.batchTasks(), stats.batchRequestsSubmitted(), "every batch task submitted: " + stats);
        assertEquals(0, stats.batchRequestsSubmittedTwice(), stats.toString());
        assertEquals((long) prompts.online.get("generate"), stats.promptsGenerated(),
                "online generate calls: batch prompts never go online " + stats);
        assertEquals((long) prompts.online.get("embed"), stats.itemsEmbedded(), "online embed texts: " + stats);
        assertEquals(0, stats.repeatedItems(), stats.toString());
        assertEquals(stats.batchJobsCreated(), jobs.size(), "one record per job on batch-jobs: " + jobs.keySet());
        int answered = 0;
        int failed = 0;
        for (JsonNode job : jobs.values()) {
            assertEquals("SUCCEEDED", job.get("state").asText(), job.toString());
            assertTrue(job.get("name").asText().startsWith("batches/"), job.toString());
            assertTrue(job.get("prompts").asInt() <= MAX_PROMPTS, "no job above gemini.batch.max.prompts: " + job);
            answered += job.get("succeeded").asInt();
            failed += job.get("failed").asInt();
        }
        assertEquals(prompts.batchTasks() - 2, answered, "answered by jobs");
        assertEquals(2, failed, "the two requests that failed inside their jobs");
        System.out.printf("batch mode run: %d prompts, %d outcomes (%d dead-lettered), 0 duplicates, 0 lost; "
                        + "%d batch jobs (%d requests, %d submitted twice); online: %d generated, %d embedded; "
                        + "simulator %s%n", prompts.records.size(), prompts.expected.count(),
                prompts.expected.deadLetters(), stats.batchJobsCreated(), stats.batchRequestsSubmitted(),
                stats.batchRequestsSubmittedTwice(), stats.promptsGenerated(), stats.itemsEmbedded(), stats);
    }

    @Test
    void shouldAnswerThePromptsOfAFailedJobOnlineWhenTold() throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .batchTurnaround(TURNAROUND)
                .build()));
        TestTopics topics = TestTopics.write(dir, "batchfail", 1);
        InProcessApps.start(closer, InProcessApps.config(KAFKA.bootstrapServers(), simulator,
                settings("batchfail-app", topics, "online")));

        Prompts prompts = new Prompts(topics.prompts);
        for (int i = 0; i < 9; i++) {
            prompts.batch("doomed-" + i, "Question " + i + " in a doomed job", "generate");
        }
        prompts.batch("doomed-trigger", "This one sinks the job: " + SimulatedBatchJobs.JOB_FAILURE_TRIGGER, "generate");
        for (int i = 0; i < 5; i++) {
            prompts.batch("fine-" + i, "Document " + i + " in a fine job", "embed");
        }
        TestClients.produce(KAFKA.bootstrapServers(), prompts.records);

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "batchfail-app", topics.prompts)) {
            ledger.awaitExactly(prompts.expected, drain, Duration.ofMinutes(2));
        }

        String servers = KAFKA.bootstrapServers();
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(servers, topics.responses)) {
            assertEquals("online", json(record).get("mode").asText(), "the failed job's prompts went online: "
                    + json(record));
        }
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(servers, topics.embeddings)) {
            assertEquals("batch", json(record).get("mode").asText(), json(record).toString());
        }
        SimulatorCounters.Snapshot stats = simulator.counters().snapshot();
        assertEquals(2, stats.batchJobsCreated(), stats.toString());
        assertEquals(0, stats.batchRequestsSubmittedTwice(), stats.toString());
        assertEquals(10, stats.promptsGenerated(), "each prompt of the failed job answered online once: " + stats);
        assertEquals(0, stats.itemsEmbedded(), stats.toString());
        Map<String, String> states = new TreeMap<>();
        lastRecordPerJob(servers, topics.batchJobs).forEach((name, job) -> states.put(job.get("task").asText(),
                job.get("state").asText() + "/" + job.get("succeeded").asInt() + "/" + job.get("failed").asInt()));
        assertEquals(Map.of("generate", "FAILED/0/10", "embed", "SUCCEEDED/5/0"), states);
        System.out.printf("batch job failure run: 15 prompts, jobs %s, simulator %s%n", states, stats);
    }

    private Map<String, String> settings(String applicationId, TestTopics topics, String onFailure) {
        Map<String, String> settings = new HashMap<>(FaultyGeminiScenario.settings(applicationId, topics,
                dir.resolve(applicationId + "-state")));
        settings.put("gemini.embed.dimensions", String.valueOf(DIMENSIONS));
        settings.put("gemini.batch.max.prompts", String.valueOf(MAX_PROMPTS));
        // Long enough that every prompt of a partition is collected before its first partial cut, even on
        // a loaded machine (at 2s, a prompt processed late started a job of its own): the jobs are then
        // exactly those the sizes imply.
        settings.put("gemini.batch.max.wait", MAX_WAIT);
        settings.put("gemini.batch.poll.initial", "500ms");
        settings.put("gemini.batch.poll.max", "2s");
        settings.put("gemini.batch.on.failure", onFailure);
        return settings;
    }

    private static void assertModes(List<ConsumerRecord<byte[], byte[]>> records, Prompts prompts) throws IOException {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode output = json(record);
            String id = output.get("id").asText();
            String mode = prompts.batchIds.contains(id) ? "batch" : "online";
            assertEquals(mode, output.get("mode").asText(), output.toString());
        }
    }

    /** The batch-jobs topic, read committed and compacted by hand: each job's last record. */
    private static Map<String, JsonNode> lastRecordPerJob(String servers, String topic) throws IOException {
        Map<String, JsonNode> jobs = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(servers, topic)) {
            jobs.put(new String(record.key(), UTF_8), json(record));
        }
        return jobs;
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) throws IOException {
        return Json.MAPPER.readTree(record.value());
    }

    /** The prompts of a run, what each owes, and how many batch tasks each partition collects. */
    private static final class Prompts {
        final String topic;
        final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        final ExpectedOutcomes expected = new ExpectedOutcomes();
        final Map<String, String> texts = new HashMap<>();
        final Set<String> batchIds = new HashSet<>();
        final Map<String, Integer> online = new HashMap<>(Map.of("generate", 0, "embed", 0));
        /** "partition/task" → batch tasks of that partition: each is one collection, cut into jobs. */
        final Map<String, Integer> batchTasksPerGroup = new TreeMap<>();

        Prompts(String topic) {
            this.topic = topic;
        }

        void batch(String id, String text, String... tasks) {
            add(id, text, "batch", tasks);
            expected.answered(id, tasks);
        }

        /** A batch prompt whose request fails inside its (succeeding) job: dead-lettered at its task. */
        void batchFailing(String id, String task) {
            add(id, "This request fails in its job: " + SimulatedBatchJobs.ITEM_FAILURE_TRIGGER + " " + id, "batch", task);
            expected.deadLettered(id, task);
        }

        void online(String id, String text, String... tasks) {
            add(id, text, "online", tasks);
            expected.answered(id, tasks);
        }

        void badInput(String id, String value) {
            records.add(TestClients.record(topic, id, value));
            expected.deadLettered(id, "parse");
        }

        private void add(String id, String text, String mode, String... tasks) {
            texts.put(id, text);
            records.add(TestClients.record(topic, id, "{\"id\":\"" + id + "\",\"prompt\":\"" + text
                    + "\",\"tasks\":[\"" + String.join("\",\"", tasks) + "\"],\"mode\":\"" + mode + "\"}"));
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(UTF_8))) % PARTITIONS;
            for (String task : tasks) {
                if (mode.equals("batch")) {
                    batchIds.add(id);
                    batchTasksPerGroup.merge(partition + "/" + task, 1, Integer::sum);
                } else {
                    online.merge(task, 1, Integer::sum);
                }
            }
        }

        int batchTasks() {
            return batchTasksPerGroup.values().stream().mapToInt(Integer::intValue).sum();
        }

        /**
         * All produced at once and collected within {@link #MAX_WAIT}: each partition's collection of a task
         * is cut every maxPrompts prompts, and its rest once.
         */
        long jobsImplied(int maxPrompts) {
            return batchTasksPerGroup.values().stream().mapToLong(n -> (n + maxPrompts - 1) / maxPrompts).sum();
        }
    }
}

package io.github.geministreams.integration.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
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
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job tracking through a crash: three jobs run in a separate JVM that is killed with SIGKILL
 * mid-run and replaced. The jobs topic, read committed, must hold exactly one completion per
 * job whose counts match the prompts: every prompt counted once, bad input as failed.
 */
class JobTrackingIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int JOBS = 3;
    private static final int PROMPTS_PER_JOB = 400;
    private static final int BAD_EVERY = 25;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldCompleteEveryJobExactlyOnceWithExactCountsAcrossACrash() throws Exception {
        GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder()
                .latency(Duration.ofMillis(20))
                .rateLimitErrorRate(0.05)
                .seed(11)
                .build());
        closer.add(simulator);
        TestTopics topics = TestTopics.write(dir, "jobs", 6);
        List<String> args = AppProcess.runArgs(KAFKA.bootstrapServers(), Map.of(
                "application.id", "jobs-app", "topics.file", topics.file.toString(),
                "state.dir", dir.resolve("state").toString(), "metrics.port", "-1",
                "gemini.max.attempts", "20", "gemini.retry.initial.backoff", "20ms",
                "gemini.retry.max.backoff", "200ms", "embed.bundle.max.wait", "50ms",
                "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        Map<String, String> env = AppProcess.simulatorEnvironment(simulator);

        AppProcess first = AppProcess.start(dir.resolve("jobs-1.log"), env, List.of("-Xmx512m"), args.toArray(String[]::new));
        closer.add(first);
        first.awaitLog("is RUNNING", Duration.ofSeconds(90));
        ExpectedOutcomes expected = new ExpectedOutcomes();
        Map<String, Long> expectedFailures = new HashMap<>();
        // The first half of every job before the kill, the rest after it: no job can complete before the kill.
        produceJobs(topics.prompts, 0, PROMPTS_PER_JOB / 2, expected, expectedFailures);

        try (KafkaConsumer<byte[], byte[]> jobsConsumer = TestClients.committedReader(KAFKA.bootstrapServers(), topics.jobs);
             OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                     topics.deadLetter)) {
            List<JsonNode> records = new ArrayList<>();
            await().atMost(Duration.ofMinutes(2)).until(() -> {
                poll(jobsConsumer, records);
                return records.stream().anyMatch(record -> record.get("done").asLong() >= PROMPTS_PER_JOB / 3);
            });
            first.kill();
            assertTrue(completions(records).isEmpty(), "the kill came before any job completed");
            produceJobs(topics.prompts, PROMPTS_PER_JOB / 2, PROMPTS_PER_JOB, expected, expectedFailures);

            AppProcess second = AppProcess.start(dir.resolve("jobs-2.log"), env, List.of("-Xmx512m"), args.toArray(String[]::new));
            closer.add(second);
            second.awaitLog("is RUNNING", Duration.ofSeconds(90));
            // Drained: every prompt answered and every job event counted; the jobs topic is then final.
            try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "jobs-app", topics.prompts,
                    topics.jobEvents)) {
                ledger.awaitExactly(expected, drain, Duration.ofMinutes(3));
            }
            readToEnd(jobsConsumer, records);

            List<JsonNode> completions = completions(records);
            assertEquals(JOBS, completions.size(), "one completion per job: " + completions);
            assertEquals(expectedFailures.keySet(), completions.stream().map(completion -> completion.get("job").asText())
                    .collect(Collectors.toSet()), "every job completed, each once");
            for (JsonNode completion : completions) {
                String job = completion.get("job").asText();
                assertEquals(PROMPTS_PER_JOB, completion.get("total").asLong(), job);
                assertEquals(PROMPTS_PER_JOB, completion.get("done").asLong(), job + " counted every prompt once");
                assertEquals(expectedFailures.get(job), completion.get("failed").asLong(), job + " failed = its bad input");
                assertEquals(PROMPTS_PER_JOB - expectedFailures.get(job), completion.get("succeeded").asLong(), job);
                assertTrue(completion.get("elapsedMs").asLong() > 0, job);
            }
            long progress = records.size() - completions.size();
            System.out.printf("jobs crash run: %d jobs of %d prompts, %d progress records, completions %s%n",
                    JOBS, PROMPTS_PER_JOB, progress, completions);
        }
    }

    /**
     * Produces prompts {@code from} to {@code to - 1} of every job, interleaved, each owing its
     * outcome; adds each job's count of bad input to {@code bad}.
     */
    private static void produceJobs(String topic, int from, int to, ExpectedOutcomes expected, Map<String, Long> bad) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (int j = 0; j < JOBS; j++) {
                String job = "job-" + j;
                String id = job + "-" + i;
                boolean isBad = i % BAD_EVERY == BAD_EVERY - 1;
                String tasks = isBad ? "\"summarize\"" : i % 2 == 0 ? "\"generate\"" : "\"embed\"";
                String value = "{\"id\":\"" + id + "\",\"prompt\":\"Prompt " + id + "\",\"tasks\":[" + tasks
                        + "],\"job\":\"" + job + "\",\"jobSize\":" + PROMPTS_PER_JOB + "}";
                records.add(new ProducerRecord<>(topic, id.getBytes(UTF_8), value.getBytes(UTF_8)));
                bad.merge(job, isBad ? 1L : 0L, Long::sum);
                if (isBad) {
                    expected.deadLettered(id, "parse");
                } else {
                    expected.answered(id, i % 2 == 0 ? "generate" : "embed");
                }
            }
        }
        TestClients.produce(KAFKA.bootstrapServers(), records);
    }

    private static void poll(KafkaConsumer<byte[], byte[]> consumer, List<JsonNode> into) throws Exception {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
            into.add(Json.MAPPER.readTree(record.value()));
        }
    }

    /** Reads on to the end offsets the topic has now. */
    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<JsonNode> into) throws Exception {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        while (TestClients.beforeEnd(consumer, ends)) {
            poll(consumer, into);
        }
    }

    private static List<JsonNode> completions(List<JsonNode> records) {
        return records.stream().filter(record -> "COMPLETED".equals(record.get("status").asText())).toList();
    }
}

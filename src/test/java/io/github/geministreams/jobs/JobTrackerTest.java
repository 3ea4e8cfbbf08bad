package io.github.geministreams.jobs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job tracker on its own, between a job-events source and a jobs sink, with Kafka
 * Streams' default exception handlers (log and fail): whatever the tracker throws stops it,
 * so a test that passes shows the tracker itself copes.
 */
class JobTrackerTest {
    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<byte[], byte[]> jobs;

    @BeforeEach
    void start() {
        Topology topology = new Topology();
        ByteArraySerializer bytes = new ByteArraySerializer();
        topology.addSource("job-events-source", new ByteArrayDeserializer(), new ByteArrayDeserializer(), "job-events");
        topology.addProcessor(JobTrackerSupplier.NODE_NAME, new JobTrackerSupplier(Duration.ofSeconds(1)),
                "job-events-source");
        topology.addSink("jobs-sink", "jobs", bytes, bytes, JobTrackerSupplier.NODE_NAME);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "job-tracker-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(topology, props);
        events = driver.createInputTopic("job-events", bytes, bytes);
        jobs = driver.createOutputTopic("jobs", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void send(String job, byte[] value) {
        events.pipeInput(job == null ? null : job.getBytes(UTF_8), value);
    }

    private void send(JobEvent event) {
        send(event.job(), Json.toBytes(event));
    }

    @Test
    void shouldSkipMalformedEventsAndKeepCountingTheGoodOnes() {
        send(new JobEvent("job-a", 2L, false, 1_000, 1_500));
        send("job-a", "not json at all".getBytes(UTF_8));
        send("job-a", "{\"job\":\"job-a\",\"outputTime\":\"yesterday\"}".getBytes(UTF_8));
        send("job-a", "{\"jobSize\":2,\"failed\":false}".getBytes(UTF_8));
        send("job-a", "null".getBytes(UTF_8));
        send("job-a", null);
        send(null, new byte[] {(byte) 0xC3, (byte) 0x28});
        send(new JobEvent("job-a", 2L, true, 1_200, 1_900));

        List<JsonNode> records = jobs.readValuesToList().stream().map(JobTrackerTest::json).toList();
        assertEquals(1, records.size(), "one completion, nothing for the malformed events: " + records);
        JsonNode completion = records.get(0);
        assertEquals("job-a", completion.get("job").asText());
        assertEquals(JobState.COMPLETED, completion.get("status").asText());
        assertEquals(2, completion.get("done").asLong(), "the two good events, and only them");
        assertEquals(1, completion.get("succeeded").asLong());
        assertEquals(1, completion.get("failed").asLong());
        assertEquals(900, completion.get("elapsedMs").asLong());
    }

    @Test
    void shouldWriteProgressOncePerIntervalForJobsThatChangedOnly() {
        send(new JobEvent("job-a", 3L, false, 1_000, 1_100));
        send(new JobEvent("job-b", 5L, false, 1_000, 1_100));
        assertEquals(List.of(), jobs.readValuesToList(), "no progress before the interval");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<JsonNode> progress = jobs.readValuesToList().stream().map(JobTrackerTest::json).toList();
        assertEquals(List.of("job-a", "job-b"), progress.stream().map(record -> record.get("job").asText()).toList());
        assertEquals(JobState.RUNNING, progress.get(0).get("status").asText());
        assertEquals(1, progress.get(0).get("done").asLong());
        assertEquals(3, progress.get(0).get("total").asLong());

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertEquals(List.of(), jobs.readValuesToList(), "nothing changed since the last progress");

        send(new JobEvent("job-b", 5L, true, 1_000, 1_200));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<JsonNode> next = jobs.readValuesToList().stream().map(JobTrackerTest::json).toList();
        assertEquals(1, next.size());
        assertEquals("job-b", next.get(0).get("job").asText());
        assertEquals(2, next.get(0).get("done").asLong());
        assertEquals(1, next.get(0).get("failed").asLong());
    }

    @Test
    void shouldWriteNoProgressForAJobThatCompletedWithinTheInterval() {
        send(new JobEvent("job-a", 2L, false, 1_000, 1_100));
        send(new JobEvent("job-a", 2L, false, 1_000, 1_200));
        assertEquals(1, jobs.readValuesToList().size(), "its completion");
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertEquals(List.of(), jobs.readValuesToList(), "a completed job's progress is not written after it");
    }

    @Test
    void shouldKeepTheCompletionRecordWhenMorePromptsThanTheJobSizeEnd() {
        send(new JobEvent("job-a", 1L, false, 1_000, 1_100));
        send(new JobEvent("job-a", 1L, false, 1_000, 1_200));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        List<JsonNode> records = jobs.readValuesToList().stream().map(JobTrackerTest::json).toList();
        assertEquals(1, records.size(), "one completion record, no second one and no progress after it: " + records);
        assertEquals(JobState.COMPLETED, records.get(0).get("status").asText());
        assertEquals(1, records.get(0).get("done").asLong());
    }

    @Test
    void shouldTakeTheJobSizeFromALaterEventWhenTheFirstHadNone() {
        send(new JobEvent("job-a", null, false, 1_000, 1_100));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        JsonNode running = json(jobs.readValuesToList().get(0));
        assertEquals(JobState.RUNNING, running.get("status").asText());
        assertEquals(true, running.get("total") == null || running.get("total").isNull(), "no size known yet");
        send(new JobEvent("job-a", 2L, false, 900, 1_300));
        JsonNode completion = json(jobs.readValuesToList().get(0));
        assertEquals(JobState.COMPLETED, completion.get("status").asText());
        assertEquals(2, completion.get("total").asLong());
        assertEquals(900, completion.get("firstPromptTimestamp").asLong(), "the earliest prompt");
        assertEquals(400, completion.get("elapsedMs").asLong());
    }

    @Test
    void shouldSumTheCostOfItsPromptsReadingAnEventWithoutACostAsNothing() {
        send(new JobEvent("job-a", 3L, false, 1_000, 1_100, 0.000_075));
        // An event written before events carried a cost (a job-events topic from an older version).
        send("job-a", "{\"job\":\"job-a\",\"jobSize\":3,\"failed\":false,\"promptTimestamp\":1000,\"outputTime\":1150}"
                .getBytes(UTF_8));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        JsonNode running = json(jobs.readValuesToList().get(0));
        assertEquals(0.000_075, running.get("costUsd").asDouble(), 1e-12);

        send(new JobEvent("job-a", 3L, true, 1_000, 1_200, 0.000_004));
        JsonNode completion = json(jobs.readValuesToList().get(0));
        assertEquals(JobState.COMPLETED, completion.get("status").asText());
        assertEquals(0.000_079, completion.get("costUsd").asDouble(), 1e-12);
    }

    private static JsonNode json(byte[] value) {
        try {
            return Json.MAPPER.readTree(value);
        } catch (IOException e) {
            throw new AssertionError("the tracker wrote a record that is not JSON", e);
        }
    }
}

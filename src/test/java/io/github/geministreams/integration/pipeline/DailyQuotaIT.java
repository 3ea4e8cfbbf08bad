package io.github.geministreams.integration.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daily quota runs out mid-backlog: the work is held, not dead-lettered, the instance
 * pauses (reads no more prompts: they wait in Kafka) but stays in its consumer group past its
 * session timeout, and when the quota is back every prompt is answered.
 */
class DailyQuotaIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int PROMPTS = 100;
    private static final int LATER_PROMPTS = 20;
    private static final int DAILY_REQUESTS = 40;

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldHoldTheBacklogWhileTheDailyQuotaIsExhaustedAndFinishItWhenItIsBack() throws Exception {
        SimulatorConfig limited = SimulatorConfig.builder().latency(Duration.ofMillis(5)).requestsPerDay(DAILY_REQUESTS).build();
        GeminiSimulator simulator = GeminiSimulator.start(limited);
        closer.add(simulator);
        TestTopics topics = TestTopics.write(dir, "daily", 2);
        AppConfig config = InProcessApps.config(KAFKA.bootstrapServers(), simulator,
                Map.of("application.id", "daily-app", "topics.file", topics.file.toString(),
                        "state.dir", dir.resolve("state").toString(), "metrics.port", "-1",
                        "gemini.quota.daily.recheck", "500ms", "max.in.flight", "8",
                        "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000"));
        StreamsApplication app = InProcessApps.start(closer, config);
        OutcomeLedger ledger = closer.add(new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses,
                topics.embeddings, topics.deadLetter));
        PipelineDrain drain = closer.add(new PipelineDrain(KAFKA.bootstrapServers(), "daily-app", topics.prompts));
        ExpectedOutcomes expected = new ExpectedOutcomes();
        produce(topics.prompts, 0, PROMPTS, expected);

        await().atMost(Duration.ofSeconds(60)).until(app::pausedForDailyQuota);
        // Prompts that arrive while paused are not read: their offsets stay uncommitted.
        Map<TopicPartition, Long> endBeforeLater = endOffsets(topics.prompts);
        produce(topics.prompts, PROMPTS, LATER_PROMPTS, expected);
        // Paused for longer than the session timeout: still RUNNING, still the group's member.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
                .until(() -> app.pausedForDailyQuota() && app.state() == KafkaStreams.State.RUNNING);
        assertEquals(1, groupMembers("daily-app"), "the paused instance stayed in its consumer group");
        Map<TopicPartition, Long> committed = committedOffsets("daily-app");
        endBeforeLater.forEach((partition, end) -> assertTrue(committed.getOrDefault(partition, 0L) <= end,
                () -> "paused, the instance read none of the prompts that came later: " + partition + " committed at "
                        + committed.get(partition) + ", " + end + " before they came"));
        ledger.poll(Duration.ofMillis(500));
        assertEquals(List.of(), ledger.deadLetterReasons(), "nothing dead-lettered for want of quota");
        assertTrue(ledger.records() <= DAILY_REQUESTS, "answered within the day's quota: " + ledger.records());
        assertTrue(simulator.counters().snapshot().dailyQuota429s() > 0);

        simulator.updateConfig(limited.toBuilder().requestsPerDay(0).build()); // the next day
        ledger.awaitExactly(expected, drain, Duration.ofSeconds(60));
        await().atMost(Duration.ofSeconds(10)).until(() -> !app.pausedForDailyQuota());
    }

    private static int groupMembers(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId).get();
            return group.members().size();
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get()
                    .forEach((partition, offset) -> offsets.put(partition, offset.offset()));
            return offsets;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = TestClients.committedReader(KAFKA.bootstrapServers(), topic)) {
            return consumer.endOffsets(consumer.assignment());
        }
    }

    /** Produces prompts {@code from} to {@code from + count - 1}, each owing an answer. */
    private static void produce(String topic, int from, int count, ExpectedOutcomes expected) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            String id = "d-" + i;
            records.add(new ProducerRecord<>(topic, id.getBytes(UTF_8), ("question " + i).getBytes(UTF_8)));
            expected.answered(id, "generate");
        }
        TestClients.produce(KAFKA.bootstrapServers(), records);
    }
}

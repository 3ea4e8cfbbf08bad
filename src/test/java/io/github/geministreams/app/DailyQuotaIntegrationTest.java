package io.github.geministreams.app;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.TestTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daily quota runs out mid-backlog: the work is held, not dead-lettered, the instance
 * pauses but stays in its consumer group past its session timeout, and when the quota is back
 * every prompt is answered.
 */
class DailyQuotaIntegrationTest {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
    private static final int PROMPTS = 100;
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
        OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
        closer.add(ledger);
        Map<String, Set<String>> expected = produce(topics.prompts);

        await().atMost(Duration.ofSeconds(60)).until(app::pausedForDailyQuota);
        // Paused for longer than the session timeout: still RUNNING, still the group's member.
        await().during(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20))
                .until(() -> app.pausedForDailyQuota() && app.state() == KafkaStreams.State.RUNNING);
        assertEquals(1, groupMembers("daily-app"), "the paused instance stayed in its consumer group");
        ledger.poll(Duration.ofSeconds(1));
        assertEquals(List.of(), ledger.deadLetterReasons(), "nothing dead-lettered for want of quota");
        assertTrue(ledger.records() <= DAILY_REQUESTS, "answered within the day's quota: " + ledger.records());
        assertTrue(simulator.counters().snapshot().dailyQuota429s() > 0);

        simulator.updateConfig(limited.toBuilder().requestsPerDay(0).build()); // the next day
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            ledger.poll(Duration.ofMillis(200));
            return ledger.missing(expected).isEmpty();
        });
        ledger.poll(Duration.ofSeconds(1));
        assertEquals(PROMPTS, ledger.records());
        assertEquals(0, ledger.duplicates());
        assertEquals(List.of(), ledger.deadLetterReasons());
        await().atMost(Duration.ofSeconds(10)).until(() -> !app.pausedForDailyQuota());
    }

    private static int groupMembers(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId).get();
            return group.members().size();
        }
    }

    private static Map<String, Set<String>> produce(String topic) throws Exception {
        Map<String, Set<String>> expected = new HashMap<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < PROMPTS; i++) {
                String id = "d-" + i;
                producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), ("question " + i).getBytes(UTF_8))).get();
                expected.put(id, Set.of("generate"));
            }
        }
        return expected;
    }
}

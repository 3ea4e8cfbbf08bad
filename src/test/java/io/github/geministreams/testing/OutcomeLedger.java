package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.testing.ExpectedOutcomes.Destination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Every record of the output topics, read with read_committed and kept as a list: nothing is
 * collapsed before it is counted, so a duplicate is always seen. Outputs are keyed by prompt id
 * and their slot is the task of their topic; dead letters keep the original key (our tests key
 * every prompt by its id) and name the slot in their stage header.
 *
 * <p>{@link #assertExactly} is the suite's one exactly-once check: one record per expected
 * (id, slot), none for anything else, and the dead-lettered set equal to the designed one. Call it
 * after {@link PipelineDrain#await} and {@link #readToEnd()}, when nothing more can come. Not
 * thread-safe.
 */
public final class OutcomeLedger implements AutoCloseable {
    /** One record read from an output topic. */
    public record Outcome(String id, String slot, Destination destination, String topic, int partition, long offset,
                          String reason) {
        String slotKey() {
            return id + "/" + slot;
        }
    }

    private static final String STAGE = "gemini-streams.stage";
    private static final String MESSAGE = "__streams.errors.message";
    private static final int PROBLEMS_SHOWN = 20;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String responses;
    private final String embeddings;
    private final List<Outcome> outcomes = new ArrayList<>();

    public OutcomeLedger(String bootstrapServers, String responses, String embeddings, String deadLetter) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(props);
        this.responses = responses;
        this.embeddings = embeddings;
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(responses, embeddings, deadLetter)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads whatever has been committed since the last poll. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            outcomes.add(outcome(record));
        }
    }

    /**
     * Reads on until every partition's position reaches the end offset it has now: with
     * read_committed, the last committed record. Deterministic, unlike reading for a while.
     */
    public void readToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), Duration.ofSeconds(30));
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (TestClients.beforeEnd(consumer, ends)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the output topics were not read to their end offsets " + ends + " in a minute");
            }
            poll(Duration.ofMillis(200));
        }
    }

    private Outcome outcome(ConsumerRecord<byte[], byte[]> record) {
        String id = new String(record.key(), UTF_8);
        if (record.topic().equals(responses) || record.topic().equals(embeddings)) {
            String slot = record.topic().equals(responses) ? "generate" : "embed";
            return new Outcome(id, slot, Destination.OUTPUT, record.topic(), record.partition(), record.offset(), null);
        }
        return new Outcome(id, header(record, STAGE), Destination.DEAD_LETTER, record.topic(), record.partition(),
                record.offset(), header(record, MESSAGE));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? "?" : new String(header.value(), UTF_8);
    }

    /**
     * The end of an end-to-end test: waits until every expected outcome was read and {@code drain}
     * says nothing more will come, reads every output topic to its end offsets, and asserts
     * exactly once against the design ({@link #assertExactly}).
     */
    public void awaitExactly(ExpectedOutcomes expected, PipelineDrain drain, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            poll(Duration.ofMillis(200));
            List<String> missing = missing(expected);
            assertTrue(missing.isEmpty(), () -> missing.size() + " outcomes missing, e.g. "
                    + missing.subList(0, Math.min(5, missing.size())));
        });
        drain.await(timeout);
        readToEnd();
        assertExactly(expected);
    }

    /** Output records read so far, duplicates included. */
    public int records() {
        return outcomes.size();
    }

    /** Every record read so far, in the order read. */
    public List<Outcome> outcomes() {
        return List.copyOf(outcomes);
    }

    /** "id [slot]: reason" of every dead letter read so far. */
    public List<String> deadLetterReasons() {
        return outcomes.stream().filter(outcome -> outcome.destination() == Destination.DEAD_LETTER)
                .map(outcome -> outcome.id() + " [" + outcome.slot() + "]: " + outcome.reason()).toList();
    }

    /** Whether every expected (id, slot) has at least one record: the run may be over. */
    public boolean hasEvery(ExpectedOutcomes expected) {
        return missing(expected, seen()).isEmpty();
    }

    /** Expected (id, slot) pairs with no record yet. */
    public List<String> missing(ExpectedOutcomes expected) {
        return missing(expected, seen());
    }

    /**
     * Asserts exactly once, against the design: every expected (id, slot) has exactly one record,
     * in the destination the test designed (so a good prompt in the dead-letter topic fails, and so
     * does a designed failure that was answered); no record for anything not expected.
     */
    public void assertExactly(ExpectedOutcomes expected) {
        Map<String, List<Outcome>> seen = seen();
        List<String> problems = new ArrayList<>();
        missing(expected, seen).forEach(slot -> problems.add("missing " + slot));
        seen.forEach((slot, records) -> {
            Outcome first = records.get(0);
            Destination designed = expected.of(first.id(), first.slot());
            if (designed == null) {
                problems.add("not expected " + slot + " " + describe(records));
                return;
            }
            if (records.size() > 1) {
                problems.add("written " + records.size() + " times " + slot + " " + describe(records));
            }
            for (Outcome record : records) {
                if (record.destination() != designed) {
                    problems.add(designed == Destination.OUTPUT
                            ? "dead-lettered, designed to be answered: " + slot + ": " + record.reason()
                            : "answered, designed to be dead-lettered: " + slot);
                }
            }
        });
        long deadLettered = outcomes.stream().filter(outcome -> outcome.destination() == Destination.DEAD_LETTER).count();
        assertEquals(List.of(), problems.subList(0, Math.min(PROBLEMS_SHOWN, problems.size())),
                () -> problems.size() + " problems in " + outcomes.size() + " records against " + expected.count()
                        + " expected (" + expected.deadLetters() + " designed dead letters, " + deadLettered + " read)");
        assertEquals(expected.count(), outcomes.size(), "one record per expected outcome");
        assertEquals(expected.deadLetters(), deadLettered, "the dead-lettered set is the designed one");
    }

    private Map<String, List<Outcome>> seen() {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::slotKey, LinkedHashMap::new, Collectors.toList()));
    }

    private static List<String> missing(ExpectedOutcomes expected, Map<String, List<Outcome>> seen) {
        List<String> missing = new ArrayList<>();
        expected.byId().forEach((id, slots) -> slots.keySet().forEach(slot -> {
            if (!seen.containsKey(id + "/" + slot)) {
                missing.add(id + "/" + slot);
            }
        }));
        return missing;
    }

    private static String describe(List<Outcome> records) {
        return records.stream().map(record -> record.topic() + "-" + record.partition() + "@" + record.offset())
                .collect(Collectors.joining(", ", "(", ")"));
    }

    @Override
    public void close() {
        consumer.close();
    }
}

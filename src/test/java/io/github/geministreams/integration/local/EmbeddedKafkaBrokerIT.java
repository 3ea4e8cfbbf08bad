package io.github.geministreams.integration.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.TestRecords;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Records and transactions through one real broker, shared by the tests of this class. */
class EmbeddedKafkaBrokerIT {

    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();

    @Test
    void shouldDeliverEveryProducedRecordToAReadCommittedConsumer() throws Exception {
        KAFKA.createTopic("round-trip", 3);
        Map<String, String> sent = TestRecords.numbered("plain", 200);

        TestRecords.produce(KAFKA.bootstrapServers(), "round-trip", sent);

        assertEquals(sent, TestRecords.readAll(KAFKA.bootstrapServers(), "round-trip", "read_committed", sent.size()));
    }

    @Test
    void shouldShowCommittedTransactionsAndHideAbortedOnesFromReadCommittedConsumers() throws Exception {
        KAFKA.createTopic("transactions", 2);
        Map<String, String> committedBefore = TestRecords.numbered("committed-before", 50);
        Map<String, String> aborted = TestRecords.numbered("aborted", 50);
        Map<String, String> committedAfter = TestRecords.numbered("committed-after", 50);

        try (KafkaProducer<String, String> producer = TestRecords.producer(KAFKA.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-test-tx"))) {
            producer.initTransactions();
            sendInTransaction(producer, committedBefore);
            producer.commitTransaction();
            sendInTransaction(producer, aborted);
            producer.abortTransaction();
            sendInTransaction(producer, committedAfter);
            producer.commitTransaction();
        }

        Map<String, String> committed = new LinkedHashMap<>(committedBefore);
        committed.putAll(committedAfter);
        Map<String, String> everything = new LinkedHashMap<>(committed);
        everything.putAll(aborted);
        // The aborted records sit between the two committed transactions in every partition, so a
        // read_committed consumer that has every committed record has passed them all.
        assertEquals(committed,
                TestRecords.readAll(KAFKA.bootstrapServers(), "transactions", "read_committed", committed.size()));
        // ... and they really were written: read_uncommitted sees them.
        assertEquals(everything,
                TestRecords.readAll(KAFKA.bootstrapServers(), "transactions", "read_uncommitted", everything.size()));
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, Map<String, String> records)
            throws Exception {
        producer.beginTransaction();
        for (Map.Entry<String, String> record : records.entrySet()) {
            producer.send(new ProducerRecord<>("transactions", record.getKey(), record.getValue()))
                    .get(TestRecords.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}

package io.github.geministreams.integration.local;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.local.EmbeddedKafkaBroker;
import io.github.geministreams.testing.TestRecords;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start, stop, restart and close: what survives and what is released. */
class EmbeddedKafkaBrokerLifecycleIT {

    @TempDir
    Path tempDir;

    @Test
    void shouldKeepRecordsAcrossRestartOnSameDataDirectory() throws Exception {
        Path dataDirectory = tempDir.resolve("kafka");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDirectory(dataDirectory).build()) {
            broker.start();
            String bootstrapServers = broker.bootstrapServers();
            String clusterId = clusterId(bootstrapServers);
            TestRecords.createTopic(bootstrapServers, "survivors", 2);
            Map<String, String> beforeStop = TestRecords.numbered("before-stop", 100);
            TestRecords.produce(bootstrapServers, "survivors", beforeStop);

            broker.stop();
            assertFalse(broker.isRunning());
            broker.start();

            assertTrue(broker.isRunning());
            assertEquals(bootstrapServers, broker.bootstrapServers());
            assertEquals(clusterId, clusterId(bootstrapServers), "a restart must not re-format the storage");
            assertEquals(beforeStop,
                    TestRecords.readAll(bootstrapServers, "survivors", "read_committed", beforeStop.size()));
        }
        assertTrue(Files.isDirectory(dataDirectory), "a data directory we were given is the caller's to delete");
    }

    @Test
    void shouldKeepCommittedGroupOffsetsAcrossRestart() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build()) {
            broker.start();
            String bootstrapServers = broker.bootstrapServers();
            TestRecords.createTopic(bootstrapServers, "offsets", 1);
            Map<String, String> first = TestRecords.numbered("first", 20);
            TestRecords.produce(bootstrapServers, "offsets", first);
            try (KafkaConsumer<String, String> consumer =
                         TestRecords.consumer(bootstrapServers, "resuming-group", "read_committed")) {
                consumer.subscribe(List.of("offsets"));
                assertEquals(first, TestRecords.poll(consumer, first.size()));
                consumer.commitSync();
            }

            broker.stop();
            broker.start();

            Map<String, String> second = TestRecords.numbered("second", 20);
            TestRecords.produce(bootstrapServers, "offsets", second);
            try (KafkaConsumer<String, String> consumer =
                         TestRecords.consumer(bootstrapServers, "resuming-group", "read_committed")) {
                consumer.subscribe(List.of("offsets"));
                // One partition, so a group that restarted from the beginning would read "first" records here.
                assertEquals(second, TestRecords.poll(consumer, second.size()),
                        "the group must resume after its committed offset, not from the beginning");
            }
        }
    }

    @Test
    void shouldReleaseItsPortWhenStoppedAndDeleteItsOwnDataDirectoryWhenClosed() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        Path dataDirectory = broker.dataDirectory();
        try {
            broker.start();
            int port = broker.port();
            assertDoesNotThrow(() -> connect(port), "a running broker accepts connections");

            broker.stop();

            assertThrows(ConnectException.class, () -> connect(port));
        } finally {
            broker.close();
        }
        assertFalse(Files.exists(dataDirectory));
    }

    @Test
    void shouldFailWithTheBindErrorAndNotRunWhenItsPortIsTaken() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().port(taken.getLocalPort()).build()) {

            IllegalStateException failure = assertThrows(IllegalStateException.class, broker::start);

            assertTrue(failure.getMessage().contains("127.0.0.1:" + taken.getLocalPort() + ": Address already in use"),
                    failure.getMessage());
            assertFalse(broker.isRunning());
        }
    }

    @Test
    void shouldRunTwoBrokersInOneJvmIndependently() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().build();
             EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().build()) {
            first.start();
            second.start();
            assertNotEquals(first.bootstrapServers(), second.bootstrapServers());
            assertNotEquals(first.dataDirectory(), second.dataDirectory());

            Map<String, String> toFirst = TestRecords.numbered("first-broker", 10);
            Map<String, String> toSecond = TestRecords.numbered("second-broker", 10);
            TestRecords.createTopic(first.bootstrapServers(), "same-name", 1);
            TestRecords.createTopic(second.bootstrapServers(), "same-name", 1);
            TestRecords.produce(first.bootstrapServers(), "same-name", toFirst);
            TestRecords.produce(second.bootstrapServers(), "same-name", toSecond);

            assertEquals(toFirst.size(), TestRecords.endOffsetSum(first.bootstrapServers(), "same-name"));
            assertEquals(toSecond.size(), TestRecords.endOffsetSum(second.bootstrapServers(), "same-name"));
            assertEquals(toFirst, TestRecords.readAll(first.bootstrapServers(), "same-name", "read_committed", 10));
            assertEquals(toSecond, TestRecords.readAll(second.bootstrapServers(), "same-name", "read_committed", 10));
        }
    }

    private static String clusterId(String bootstrapServers) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            return admin.describeCluster().clusterId().get(TestRecords.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
        }
    }
}

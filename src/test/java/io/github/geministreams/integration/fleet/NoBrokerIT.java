package io.github.geministreams.integration.fleet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.BrokerWait;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.local.EmbeddedKafkaBroker;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} where no Kafka broker listens: one line that says so, then it waits for one. */
class NoBrokerIT {
    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    /** A port on this host where nothing listens (nothing else takes it within the test, in practice). */
    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldSayInOneLineThatNoBrokerAnswersAndWaitWithoutKafkaClientWarnings() throws Exception {
        String bootstrap = "127.0.0.1:" + freePort();
        List<String> args = AppProcess.runArgs(bootstrap, Map.of("metrics.port", "-1"));
        AppProcess instance = closer.add(AppProcess.start(Path.of("target", "no-broker-logs", "run.log"),
                Map.of("GEMINI_API_KEY", "not-used"), List.of("-Xmx256m", "-Djava.io.tmpdir=" + dir),
                args.toArray(String[]::new)));

        instance.awaitLog("No Kafka broker answers at " + bootstrap, Duration.ofSeconds(15));
        // It checks every second; the next line is due in 30 s, and no Kafka client warns meanwhile.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> instance.isAlive() && !instance.logText().contains("NetworkClient"));
        List<String> noBroker = instance.logText().lines().filter(line -> line.contains("No Kafka broker")).toList();
        assertEquals(1, noBroker.size(), instance.tail());
        assertTrue(noBroker.get(0).endsWith("No Kafka broker answers at " + bootstrap + " (bootstrap.servers, set by "
                + "--bootstrap-servers, KAFKA_BOOTSTRAP_SERVERS or --config): Connection refused; waiting for one "
                + "(this line again every 30s)"), noBroker.get(0));
    }

    @Test
    void shouldGoOnOnceABrokerAnswers() throws Exception {
        int port = freePort();
        BrokerWait wait = new BrokerWait(ConfigLayers.defaults().build().withBootstrapServers("127.0.0.1:" + port));
        ExecutorService executor = Executors.newSingleThreadExecutor();
        closer.add(executor::shutdownNow);
        Future<?> waited = executor.submit(() -> {
            wait.await();
            return null;
        });

        closer.add(EmbeddedKafkaBroker.builder().port(port).build()).start();
        waited.get(30, TimeUnit.SECONDS);
    }
}

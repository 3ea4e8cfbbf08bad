package io.github.geministreams.integration.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.TestTopics;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code gemini-streams run} processes on one host, as separate JVMs on the embedded
 * broker: with nothing set they run side by side; a setting two of them cannot share stops the
 * newcomer with one line that names the setting, and no stack trace.
 */
class SameHostIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    /** Reaching RUNNING needs no Gemini call. */
    private static final Map<String, String> ENVIRONMENT = Map.of("GEMINI_API_KEY", "not-used");

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    /** An instance whose java.io.tmpdir is the test's, so its default state directory is too. */
    private AppProcess start(String name, Map<String, String> settings) throws Exception {
        List<String> args = AppProcess.runArgs(KAFKA.bootstrapServers(), settings);
        Path log = Path.of("target", "same-host-logs", name + ".log");
        return closer.add(AppProcess.start(log, ENVIRONMENT, List.of("-Xmx256m", "-Djava.io.tmpdir=" + dir),
                args.toArray(String[]::new)));
    }

    private static List<String> linesContaining(AppProcess instance, String text) throws Exception {
        return instance.logText().lines().filter(line -> line.contains(text)).toList();
    }

    private static void assertNoStackTrace(AppProcess instance) throws Exception {
        assertEquals(List.of(), instance.logText().lines().filter(line -> line.startsWith("\tat ")).toList(), instance.tail());
    }

    @Test
    void shouldRunTwoInstancesSideBySideWithNoStateDirSetAndStopAThirdOnAnInstancesStateDir() throws Exception {
        TestTopics topics = TestTopics.write(dir, "side", 2);
        Map<String, String> settings = Map.of("application.id", "side-app", "topics.file", topics.file.toString(),
                "metrics.port", "0");
        Path slots = dir.resolve("gemini-streams").resolve("side-app");

        AppProcess first = start("first", settings);
        first.awaitLog("State directory " + slots.resolve("instance-1"), Duration.ofSeconds(30));
        AppProcess second = start("second", settings);
        second.awaitLog("State directory " + slots.resolve("instance-2"), Duration.ofSeconds(30));
        first.awaitLog("is RUNNING", Duration.ofSeconds(120));
        second.awaitLog("is RUNNING", Duration.ofSeconds(120));

        Map<String, String> onFirstsDir = Map.of("application.id", "side-app", "topics.file", topics.file.toString(),
                "metrics.port", "-1", "state.dir", slots.resolve("instance-1").toString());
        AppProcess third = start("third", onFirstsDir);
        assertEquals(2, third.awaitExit(Duration.ofSeconds(60)), third.tail());
        assertEquals(List.of("gemini-streams: state.dir (GEMINI_STREAMS_STATE_DIR) " + slots.resolve("instance-1")
                        + " is in use by another running instance of application.id 'side-app'; give each instance on "
                        + "this host its own state.dir, or leave it empty for a directory per instance"),
                linesContaining(third, "state.dir (GEMINI_STREAMS_STATE_DIR)"), third.tail());
        assertNoStackTrace(third);
        assertTrue(first.isAlive() && second.isAlive(), "the running instances are untouched");
    }

    @Test
    void shouldStopWithOneLineNamingMetricsPortWhenAnotherInstanceHasThePort() throws Exception {
        TestTopics topics = TestTopics.write(dir, "port", 1);
        try (ServerSocket otherInstance = new ServerSocket(0)) {
            int port = otherInstance.getLocalPort();
            AppProcess instance = start("metrics-port", Map.of("application.id", "port-app",
                    "topics.file", topics.file.toString(), "metrics.port", String.valueOf(port)));
            assertEquals(2, instance.awaitExit(Duration.ofSeconds(60)), instance.tail());
            List<String> errors = linesContaining(instance, "metrics.port (GEMINI_STREAMS_METRICS_PORT)");
            assertEquals(1, errors.size(), instance.tail());
            assertTrue(errors.get(0).startsWith("gemini-streams: Cannot serve metrics on port " + port + ": "), errors.get(0));
            assertTrue(errors.get(0).endsWith("; set metrics.port (GEMINI_STREAMS_METRICS_PORT) to a free port, "
                    + "0 for any free port, or -1 to turn metrics off"), errors.get(0));
            assertNoStackTrace(instance);
        }
    }
}

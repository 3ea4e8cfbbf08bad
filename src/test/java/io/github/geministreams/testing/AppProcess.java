package io.github.geministreams.testing;

import io.github.geministreams.cli.GeminiStreamsCommand;
import io.github.geministreams.simulator.GeminiSimulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * gemini-streams as a separate JVM process, started with the test's own classpath, so a
 * test can kill it for real (SIGKILL: no shutdown hook, no commit, an open transaction
 * left to abort) or stop it gracefully (SIGTERM). Its output goes to a log file that
 * failures point at.
 */
public final class AppProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private AppProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * The arguments of {@code gemini-streams run} against {@code bootstrapServers}, one
     * {@code --set} per setting; a mutable list, for tests that add more.
     */
    public static List<String> runArgs(String bootstrapServers, Map<String, String> settings) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap-servers", bootstrapServers));
        settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
        return args;
    }

    /** The environment that points an instance at the simulator, with the simulator's key. */
    public static Map<String, String> simulatorEnvironment(GeminiSimulator simulator) {
        return Map.of("GEMINI_API_KEY", simulator.config().apiKey(), "GEMINI_BASE_URL", simulator.baseUrl());
    }

    /** Starts {@code gemini-streams <args>} with extra environment variables. */
    public static AppProcess start(Path log, Map<String, String> environment, List<String> jvmOptions, String... args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(GeminiStreamsCommand.class.getName());
        command.addAll(List.of(args));
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("GEMINI_") || name.startsWith("KAFKA_"));
        builder.environment().putAll(environment);
        return new AppProcess(builder.start(), log);
    }

    /** Waits until the log contains {@code text}; fails with the log's tail if the process dies first. */
    public void awaitLog(String text, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (logText().contains(text)) {
                return true;
            }
            if (!process.isAlive()) {
                throw new AssertionError("gemini-streams exited with " + process.exitValue()
                        + " before logging '" + text + "':\n" + tail());
            }
            return false;
        });
    }

    /** Waits until the application is RUNNING, as {@link #awaitLog} does: two minutes at most, for a busy machine. */
    public void awaitRunning() {
        awaitLog("is RUNNING", Duration.ofSeconds(120));
    }

    /** SIGKILL: the process gets no chance to drain, commit or close. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then waits for a graceful exit; returns the exit code. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("gemini-streams did not stop within " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** Waits for the process to end by itself; returns the exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("gemini-streams did not exit within " + timeout + ":\n" + tail());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String logText() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** The last lines of the log, for failure messages. */
    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}

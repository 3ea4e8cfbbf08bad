package io.github.geministreams.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What {@code run} prints when the state directory it is given is another instance's. */
class RunCommandStateDirTest {
    @TempDir
    Path dir;

    @Test
    void shouldStopWithOneLineNamingStateDirWhenAnotherInstanceHoldsIt() throws Exception {
        Path stateDir = dir.resolve("state");
        // Where Kafka Streams locks it: <state.dir>/<application.id>/.lock
        Path lockFile = Files.createDirectories(stateDir.resolve("taken-app")).resolve(".lock");
        StringWriter err = new StringWriter();
        CommandLine commandLine = GeminiStreamsCommand.commandLine();
        commandLine.setErr(new PrintWriter(err, true));
        int exitCode;
        try (FileChannel otherInstance = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = otherInstance.lock()) {
            // No broker at port 1: the state directory is checked before anything talks to Kafka.
            exitCode = commandLine.execute("run", "--bootstrap-servers", "127.0.0.1:1",
                    "--set", "gemini.api.key=not-used", "--set", "application.id=taken-app",
                    "--set", "state.dir=" + stateDir, "--set", "metrics.port=-1");
        }
        assertEquals(List.of("gemini-streams: state.dir (GEMINI_STREAMS_STATE_DIR) " + stateDir + " is in use by another "
                + "running instance of application.id 'taken-app'; give each instance on this host its own state.dir, "
                + "or leave it empty for a directory per instance"), err.toString().lines().toList());
        assertEquals(2, exitCode);
    }
}

package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.ConfigLayers;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceStateDirTest {
    @TempDir
    Path dir;

    private static AppConfig config(Map<String, String> settings) {
        return ConfigLayers.defaults().withAll(settings).build();
    }

    @Test
    void shouldGiveEachInstanceOfAnApplicationItsOwnDirectoryWhenStateDirIsEmpty() {
        AppConfig config = config(Map.of("application.id", "side-by-side"));
        Path slots = dir.resolve("slots");
        try (InstanceStateDir first = InstanceStateDir.choose(config, slots);
             InstanceStateDir second = InstanceStateDir.choose(config, slots)) {
            assertEquals(slots.resolve("side-by-side").resolve("instance-1"), first.config().stateDir().orElseThrow());
            assertEquals(slots.resolve("side-by-side").resolve("instance-2"), second.config().stateDir().orElseThrow());
        }
    }

    @Test
    void shouldKeepAnExplicitStateDirThatNoOneHolds() {
        Path stateDir = dir.resolve("state");
        AppConfig config = config(Map.of("state.dir", stateDir.toString()));
        try (InstanceStateDir chosen = InstanceStateDir.choose(config, dir.resolve("slots"))) {
            assertEquals(stateDir, chosen.config().stateDir().orElseThrow());
        }
    }

    @Test
    void shouldRefuseInOneLineNamingTheSettingAnExplicitStateDirKafkaStreamsHoldsElsewhere() throws Exception {
        Path stateDir = dir.resolve("state");
        AppConfig config = config(Map.of("state.dir", stateDir.toString(), "application.id", "taken-app"));
        // Where Kafka Streams locks it: <state.dir>/<application.id>/.lock
        Path lockFile = Files.createDirectories(stateDir.resolve("taken-app")).resolve(".lock");
        try (FileChannel otherInstance = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = otherInstance.lock()) {
            ConfigException error = assertThrows(ConfigException.class,
                    () -> InstanceStateDir.choose(config, dir.resolve("slots")));
            assertEquals("state.dir (GEMINI_STREAMS_STATE_DIR) " + stateDir + " is in use by another running instance "
                    + "of application.id 'taken-app'; give each instance on this host its own state.dir, or leave it "
                    + "empty for a directory per instance", error.getMessage());
            assertFalse(error.getMessage().contains("\n"));
        }
    }
}

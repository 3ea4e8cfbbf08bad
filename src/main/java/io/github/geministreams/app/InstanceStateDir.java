package io.github.geministreams.app;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.Setting;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams state directory of one {@code run} process, chosen before Kafka Streams is
 * created (which locks it, and fails with a stack trace when another process has).
 *
 * <p>With {@code state.dir} set: that directory, checked to be free for this application.id.
 * Empty: an {@link InstanceSlot} under {@code <java.io.tmpdir>/gemini-streams/<application.id>},
 * held until {@link #close()}, so that instances on one host need no setting to run side by
 * side and a restarted instance finds its RocksDB state again instead of restoring it from the
 * changelogs.
 */
public final class InstanceStateDir implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InstanceStateDir.class);
    /** Kafka Streams' lock file in {@code <state.dir>/<application.id>}. */
    private static final String STREAMS_LOCK_FILE = ".lock";

    private final AppConfig config;
    private final InstanceSlot slot;

    private InstanceStateDir(AppConfig config, InstanceSlot slot) {
        this.config = config;
        this.slot = slot;
    }

    /** Chooses the state directory of {@code config}, with slots under java.io.tmpdir. */
    public static InstanceStateDir choose(AppConfig config) {
        return choose(config, Path.of(System.getProperty("java.io.tmpdir"), "gemini-streams"));
    }

    /**
     * Chooses the state directory of {@code config}, with slots under
     * {@code slotsRoot/<application.id>}. Call it before Kafka Streams runs in this JVM on that
     * directory: checking a lock this JVM holds would release it for other processes.
     *
     * @throws ConfigException if {@code state.dir} is set and another process runs Kafka
     *     Streams there for the same application.id, or if no slot can be created
     */
    static InstanceStateDir choose(AppConfig config, Path slotsRoot) {
        if (config.stateDir().isPresent()) {
            ensureFree(config.stateDir().get(), config.applicationId());
            return new InstanceStateDir(config, null);
        }
        InstanceSlot slot = InstanceSlot.claim(slotsRoot.resolve(config.applicationId()));
        log.info("State directory {}: {} is empty, so this is instance {} of application.id '{}' on this host "
                        + "(the first no running process holds; a restart normally gets it back)",
                slot.directory(), Setting.STATE_DIR.key(), slot.number(), config.applicationId());
        return new InstanceStateDir(config.withStateDir(slot.directory()), slot);
    }

    /** The configuration with the chosen state directory set. */
    public AppConfig config() {
        return config;
    }

    private static void ensureFree(Path stateDir, String applicationId) {
        Path lockFile = stateDir.resolve(applicationId).resolve(STREAMS_LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = FileLocks.tryLock(channel);
            if (lock == null) {
                throw new ConfigException(Setting.STATE_DIR.key() + " (" + Setting.STATE_DIR.envVariable() + ") "
                        + stateDir + " is in use by another running instance of application.id '" + applicationId
                        + "'; give each instance on this host its own " + Setting.STATE_DIR.key()
                        + ", or leave it empty for a directory per instance");
            }
            lock.release();
        } catch (IOException e) {
            throw new ConfigException("Cannot check " + Setting.STATE_DIR.key() + " (" + Setting.STATE_DIR.envVariable()
                    + ") " + stateDir + ": " + e);
        }
    }

    /** Releases the slot, if this process took one; an explicit state.dir is Kafka Streams' to unlock. */
    @Override
    public void close() {
        if (slot != null) {
            slot.close();
        }
    }
}

package io.github.geministreams.app;

import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory of its own for one of several processes on this host: {@code <root>/instance-N}
 * for the first N (from 1) that no live process holds.
 *
 * <p>The slot is held by an exclusive lock on {@code instance-N/instance.lock} until
 * {@link #close()} or the end of the process; the operating system drops the lock of a process
 * that dies, even by SIGKILL. So a second process running at the same time gets N+1, and a
 * process that restarts gets the first free slot, normally its own, with what it left there.
 *
 * <p>Thread-safe. One JVM may hold several slots (tests do): the slots it holds are known in
 * memory and their lock files are never opened a second time, because on POSIX systems closing
 * any channel on a file drops every lock the process holds on that file.
 */
public final class InstanceSlot implements AutoCloseable {
    static final String LOCK_FILE = "instance.lock";
    private static final Set<Path> HELD_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private final int number;
    private final Path directory;
    private final Path lockFile;
    private final FileChannel channel;

    private InstanceSlot(int number, Path directory, Path lockFile, FileChannel channel) {
        this.number = number;
        this.directory = directory;
        this.lockFile = lockFile;
        this.channel = channel;
    }

    /**
     * Takes the first free slot under {@code root}, creating its directory.
     *
     * @throws ConfigException if a slot directory cannot be created or locked (read-only or
     *     lock-less file system), naming {@code state.dir} as the way out
     */
    public static InstanceSlot claim(Path root) {
        // Ends at the first slot no process holds: there are no more held slots than running instances.
        for (int number = 1; ; number++) {
            Path directory = root.resolve("instance-" + number).toAbsolutePath().normalize();
            Path lockFile = directory.resolve(LOCK_FILE);
            if (!HELD_IN_THIS_JVM.add(lockFile)) {
                continue;
            }
            InstanceSlot slot = null;
            try {
                slot = tryHold(number, directory, lockFile);
            } finally {
                if (slot == null) {
                    HELD_IN_THIS_JVM.remove(lockFile);
                }
            }
            if (slot != null) {
                return slot;
            }
        }
    }

    /** The slot, or null when another process (or another channel in this JVM) holds it. */
    private static InstanceSlot tryHold(int number, Path directory, Path lockFile) {
        try {
            Files.createDirectories(directory);
            FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                if (FileLocks.tryLock(channel) != null) {
                    return new InstanceSlot(number, directory, lockFile, channel);
                }
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            channel.close();
            return null;
        } catch (IOException e) {
            throw new ConfigException("Cannot create or lock the state directory " + directory + ": " + e
                    + "; set " + Setting.STATE_DIR.key() + " (" + Setting.STATE_DIR.envVariable()
                    + ") to a writable directory");
        }
    }

    /** N of {@code instance-N}, from 1. */
    public int number() {
        return number;
    }

    /** {@code <root>/instance-N}, absolute. */
    public Path directory() {
        return directory;
    }

    /** Releases the slot for the next process. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot release the lock on " + lockFile, e);
        } finally {
            HELD_IN_THIS_JVM.remove(lockFile);
        }
    }
}

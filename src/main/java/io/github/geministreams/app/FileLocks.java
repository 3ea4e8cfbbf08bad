package io.github.geministreams.app;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;

/** Exclusive locks on whole files, the kind Kafka Streams takes on its state directory. */
final class FileLocks {
    private FileLocks() {
    }

    /**
     * Locks the whole file of {@code channel} without waiting.
     *
     * @return the lock, or null when another process holds one, or when this JVM holds one
     *     through another channel (Java reports that as {@link OverlappingFileLockException})
     */
    static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }
}

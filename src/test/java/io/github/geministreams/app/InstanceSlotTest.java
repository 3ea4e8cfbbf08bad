package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstanceSlotTest {
    @TempDir
    Path root;

    @Test
    void shouldGiveASecondRunningInstanceADirectoryOfItsOwn() {
        try (InstanceSlot first = InstanceSlot.claim(root);
             InstanceSlot second = InstanceSlot.claim(root)) {
            assertEquals(root.resolve("instance-1"), first.directory());
            assertEquals(root.resolve("instance-2"), second.directory());
            assertNotEquals(first.directory(), second.directory());
        }
    }

    @Test
    void shouldGiveARestartedInstanceItsDirectoryAndStateBack() throws Exception {
        try (InstanceSlot other = InstanceSlot.claim(root)) {
            InstanceSlot before = InstanceSlot.claim(root);
            Path state = Files.writeString(before.directory().resolve("state"), "rocksdb");
            before.close();

            try (InstanceSlot restarted = InstanceSlot.claim(root)) {
                assertEquals(before.directory(), restarted.directory());
                assertEquals(2, restarted.number());
                assertEquals("rocksdb", Files.readString(state));
            }
        }
    }

    @Test
    void shouldSkipASlotWhoseLockIsHeldThroughAnotherChannel() throws Exception {
        Path lockFile = Files.createDirectories(root.resolve("instance-1")).resolve(InstanceSlot.LOCK_FILE);
        try (FileChannel elsewhere = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = elsewhere.lock()) {
            try (InstanceSlot slot = InstanceSlot.claim(root)) {
                assertEquals(root.resolve("instance-2"), slot.directory());
            }
        }
        try (InstanceSlot slot = InstanceSlot.claim(root)) {
            assertEquals(root.resolve("instance-1"), slot.directory(), "the slot is free again once its lock is released");
        }
    }
}

package io.github.geministreams.topology.online;

import io.github.geministreams.model.PendingPrompt;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code ordering=key}: at most one prompt per record key is in progress in a task; the
 * later prompts of that key wait here, in their input order, until it has ended. So the
 * outputs of a key are written in the order its prompts came, as a consumer of a key's
 * history expects (Parallel Consumer's KEY mode). Prompts without a key are never held.
 *
 * <p>Input order holds because prompts reach the gate in offset order: new prompts as they
 * are read, stored ones as the store is scanned (its keys sort by offset), also after a
 * crash or a move to another instance, since the waiting prompts are in the pending store
 * and in memory only here. What ends a prompt is its last output (or dead letter) being
 * forwarded; a prompt rejected at parse never reaches the gate, so its dead letter is not
 * held back.
 *
 * <p>Not thread-safe: one task's stream thread.
 */
final class KeyOrder {
    /** Record key → the store key of its prompt in progress. */
    private final Map<ByteBuffer, String> inProgress = new HashMap<>();
    /** Store key of a prompt in progress → its record key. */
    private final Map<String, ByteBuffer> keyOfInProgress = new HashMap<>();
    /** Record key → its later prompts, oldest first. */
    private final Map<ByteBuffer, ArrayDeque<Held>> waiting = new HashMap<>();
    private int waitingCount;

    /**
     * A prompt that waits for an earlier one of its key.
     *
     * @param fromStore true when it was read back from the store (a previous owner may have sent it)
     */
    record Held(String storeKey, PendingPrompt prompt, boolean fromStore) {
    }

    /**
     * True when {@code prompt} may start now (it has no key, or no prompt of its key is in
     * progress; it is then in progress); false when it waits here for its turn.
     */
    boolean admit(String storeKey, PendingPrompt prompt, boolean fromStore) {
        ByteBuffer key = keyOf(prompt);
        if (key == null) {
            return true;
        }
        if (inProgress.putIfAbsent(key, storeKey) == null) {
            keyOfInProgress.put(storeKey, key);
            return true;
        }
        waiting.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(new Held(storeKey, prompt, fromStore));
        waitingCount++;
        return false;
    }

    /**
     * The prompt at {@code storeKey} has ended.
     *
     * @return the next prompt of its key, now in progress, or null
     */
    Held ended(String storeKey) {
        ByteBuffer key = keyOfInProgress.remove(storeKey);
        if (key == null) {
            return null;
        }
        ArrayDeque<Held> next = waiting.get(key);
        if (next == null) {
            inProgress.remove(key);
            return null;
        }
        Held turn = next.removeFirst();
        waitingCount--;
        if (next.isEmpty()) {
            waiting.remove(key);
        }
        inProgress.put(key, turn.storeKey());
        keyOfInProgress.put(turn.storeKey(), key);
        return turn;
    }

    /** Prompts waiting for an earlier one of their key: they are in memory. */
    int waiting() {
        return waitingCount;
    }

    private static ByteBuffer keyOf(PendingPrompt prompt) {
        byte[] key = prompt.originalKey();
        return key == null || key.length == 0 ? null : ByteBuffer.wrap(key);
    }
}

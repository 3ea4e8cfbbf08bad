package io.github.geministreams.testing;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a test designed: for each prompt id, the slots it owes exactly one record for
 * ({@code generate}, {@code embed}, or {@code parse} for bad input), and where each must end:
 * an output topic, or the dead-letter topic because the test made it fail (bad input, a
 * poison text, retries it exhausted on purpose). Read against an {@link OutcomeLedger}.
 */
public final class ExpectedOutcomes {
    /** Where a slot's one record must be. */
    public enum Destination { OUTPUT, DEAD_LETTER }

    private final Map<String, Map<String, Destination>> byId = new LinkedHashMap<>();

    /** {@code id} is answered for each of {@code tasks} ({@code generate}, {@code embed}). */
    public ExpectedOutcomes answered(String id, String... tasks) {
        for (String task : tasks) {
            expect(id, task, Destination.OUTPUT);
        }
        return this;
    }

    /** {@code id} is dead-lettered at {@code stage} ({@code parse}, {@code generate}, {@code embed}). */
    public ExpectedOutcomes deadLettered(String id, String stage) {
        return expect(id, stage, Destination.DEAD_LETTER);
    }

    private ExpectedOutcomes expect(String id, String slot, Destination destination) {
        Destination earlier = byId.computeIfAbsent(id, key -> new LinkedHashMap<>()).put(slot, destination);
        if (earlier != null) {
            throw new IllegalArgumentException(id + "/" + slot + " is expected twice");
        }
        return this;
    }

    /** Prompt id → slot → destination, in the order the test added them. */
    public Map<String, Map<String, Destination>> byId() {
        return Collections.unmodifiableMap(byId);
    }

    /** The destination designed for ({@code id}, {@code slot}), or null when none is owed. */
    public Destination of(String id, String slot) {
        return byId.getOrDefault(id, Map.of()).get(slot);
    }

    /** How many records the run must write: one per (id, slot). */
    public int count() {
        return byId.values().stream().mapToInt(Map::size).sum();
    }

    /** How many of them are designed dead letters. */
    public long deadLetters() {
        return byId.values().stream().flatMap(slots -> slots.values().stream())
                .filter(destination -> destination == Destination.DEAD_LETTER).count();
    }
}

package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A deterministic mix of prompts for end-to-end tests: generate-only, embed-only, both,
 * and a share of bad inputs. Knows which outcome each prompt owes: one record per
 * (id, slot), where the slot is {@code generate}, {@code embed}, or {@code parse} for a
 * bad input.
 */
public final class PromptMix {
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final Map<String, Set<String>> expectedSlots = new LinkedHashMap<>();

    private PromptMix() {
    }

    /** {@code count} prompts; every {@code badEvery}-th one is bad input (0 = none). */
    public static PromptMix of(String topic, int count, int badEvery) {
        PromptMix mix = new PromptMix();
        for (int i = 0; i < count; i++) {
            String id = "p-" + i;
            if (badEvery > 0 && i % badEvery == badEvery - 1) {
                mix.add(topic, id, badValue(i), Set.of("parse"));
                continue;
            }
            switch (i % 3) {
                case 0 -> mix.add(topic, id, json(id, "Question number " + i + ": why is the sky blue?", "\"generate\""),
                        Set.of("generate"));
                case 1 -> mix.add(topic, id, json(id, "Document number " + i + " about stream processing", "\"embed\""),
                        Set.of("embed"));
                default -> mix.add(topic, id, json(id, "Prompt number " + i + " wants both", "\"generate\",\"embed\""),
                        Set.of("generate", "embed"));
            }
        }
        return mix;
    }

    private static String json(String id, String prompt, String tasks) {
        return "{\"id\":\"" + id + "\",\"prompt\":\"" + prompt + "\",\"tasks\":[" + tasks + "]}";
    }

    private static byte[] badValue(int i) {
        return switch (i % 4) {
            case 0 -> "{\"prompt\": not json".getBytes(UTF_8);
            case 1 -> "   ".getBytes(UTF_8);
            case 2 -> new byte[] {'b', 'a', 'd', (byte) 0xFF, (byte) 0xFE};
            default -> "{\"prompt\":\"x\",\"tasks\":[\"summarize\"]}".getBytes(UTF_8);
        };
    }

    private void add(String topic, String id, String value, Set<String> slots) {
        add(topic, id, value.getBytes(UTF_8), slots);
    }

    private void add(String topic, String id, byte[] value, Set<String> slots) {
        records.add(new ProducerRecord<>(topic, id.getBytes(UTF_8), value));
        expectedSlots.put(id, slots);
    }

    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** Prompt id → the slots it owes an outcome for. */
    public Map<String, Set<String>> expectedSlots() {
        return expectedSlots;
    }

    public int expectedOutcomes() {
        return expectedSlots.values().stream().mapToInt(Set::size).sum();
    }
}

package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A deterministic mix of prompts for end-to-end tests: generate-only, embed-only, both,
 * and a share of bad inputs. Knows which outcome each prompt owes ({@link #expected()}): an
 * answer per task, or a parse dead letter for bad input.
 */
public final class PromptMix {
    private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final ExpectedOutcomes expected = new ExpectedOutcomes();

    private PromptMix() {
    }

    /** {@code count} prompts; every {@code badEvery}-th one is bad input (0 = none). */
    public static PromptMix of(String topic, int count, int badEvery) {
        PromptMix mix = new PromptMix();
        for (int i = 0; i < count; i++) {
            String id = "p-" + i;
            if (badEvery > 0 && i % badEvery == badEvery - 1) {
                mix.records.add(new ProducerRecord<>(topic, id.getBytes(UTF_8), badValue(i)));
                mix.expected.deadLettered(id, "parse");
                continue;
            }
            switch (i % 3) {
                case 0 -> mix.add(topic, id, json(id, "Question number " + i + ": why is the sky blue?", "\"generate\""),
                        "generate");
                case 1 -> mix.add(topic, id, json(id, "Document number " + i + " about stream processing", "\"embed\""),
                        "embed");
                default -> mix.add(topic, id, json(id, "Prompt number " + i + " wants both", "\"generate\",\"embed\""),
                        "generate", "embed");
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

    private void add(String topic, String id, String value, String... tasks) {
        records.add(new ProducerRecord<>(topic, id.getBytes(UTF_8), value.getBytes(UTF_8)));
        expected.answered(id, tasks);
    }

    public List<ProducerRecord<byte[], byte[]>> records() {
        return records;
    }

    /** One answer per task of every good prompt, one parse dead letter per bad input. */
    public ExpectedOutcomes expected() {
        return expected;
    }

    public int expectedOutcomes() {
        return expected.count();
    }
}

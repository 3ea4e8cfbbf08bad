package io.github.geministreams.bench;

import java.util.Locale;

/** The rows a benchmark can measure, each on its own topics of the same broker. */
public enum BenchRow {
    /** gemini-streams with the scenario's settings, one instance (and N when asked). */
    GEMINI_STREAMS,
    /** gemini-streams' Gemini client stack driving the simulator with no Kafka: what this machine and the SDK can do. */
    CLIENT_ONLY,
    /** What a user would otherwise write: Kafka Streams {@code mapValues} calling the SDK synchronously. */
    NAIVE,
    /**
     * gemini-streams with {@code ordering=key}, one instance: what per-key order costs next to
     * the gemini-streams row, at the scenario's number of keys ({@code --keys}).
     */
    KEY_ORDERED,
    /** Prompts copied to an output topic, exactly once, no Gemini: the Kafka-side ceiling. */
    PASSTHROUGH;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

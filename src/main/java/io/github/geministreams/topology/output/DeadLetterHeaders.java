package io.github.geministreams.topology.output;

import io.github.geministreams.model.SourceCoordinates;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers that say why a record is on the dead-letter topic. The KIP-1034 names of
 * Kafka Streams' own dead-letter records where they fit, then ours. Every value is a UTF-8
 * string. The input record's own headers are not copied: a prompt dead-lettered after a
 * restart has only its stored key and value, and every dead-letter record should look alike
 * (and a hostile header must not make the dead-letter record too large to write). No header ever carries the API key: messages come from
 * {@link io.github.geministreams.gemini.GeminiException}, which never holds it.
 */
public final class DeadLetterHeaders {
    public static final String EXCEPTION = "__streams.errors.exception";
    public static final String MESSAGE = "__streams.errors.message";
    public static final String TOPIC = "__streams.errors.topic";
    public static final String PARTITION = "__streams.errors.partition";
    public static final String OFFSET = "__streams.errors.offset";
    public static final String STAGE = "gemini-streams.stage";
    public static final String ATTEMPTS = "gemini-streams.attempts";
    public static final String HTTP_STATUS = "gemini-streams.http.status";
    public static final String RETRYABLE = "gemini-streams.retryable";

    /** Where a prompt failed. */
    public enum Stage {
        PARSE, GENERATE, EMBED,
        /** A generated answer that is not the JSON its prompt asked for, twice. */
        VALIDATE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private DeadLetterHeaders() {
    }

    /**
     * The reason a prompt is dead-lettered.
     *
     * @param httpStatus the HTTP status of the last Gemini answer, or 0 when there was none
     */
    public static Headers build(SourceCoordinates source, Stage stage, String exceptionName,
                                String message, int attempts, int httpStatus, boolean retryable) {
        RecordHeaders headers = new RecordHeaders();
        put(headers, EXCEPTION, exceptionName);
        put(headers, MESSAGE, message == null ? "" : message);
        put(headers, TOPIC, source.topic());
        put(headers, PARTITION, Integer.toString(source.partition()));
        put(headers, OFFSET, Long.toString(source.offset()));
        put(headers, STAGE, stage.wireName());
        put(headers, ATTEMPTS, Integer.toString(attempts));
        if (httpStatus > 0) {
            put(headers, HTTP_STATUS, Integer.toString(httpStatus));
        }
        put(headers, RETRYABLE, Boolean.toString(retryable));
        return headers;
    }

    private static void put(RecordHeaders headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}

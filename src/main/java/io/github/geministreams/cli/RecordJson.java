package io.github.geministreams.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import io.github.geministreams.serde.StrictUtf8;
import java.io.IOException;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One consumed record as a JSON line: topic, partition, offset, timestamp, key, value and
 * headers. A value that is JSON is embedded as JSON; other UTF-8 as a string; bytes that are
 * not UTF-8 (a dead-lettered binary prompt) as {@code valueBase64}, so nothing is mangled.
 * Stateless.
 *
 * <p>JSON may escape a lone UTF-16 surrogate (<code>"&#92;ud800"</code>), and Jackson reads it into a
 * Java string that no UTF-8 encoder can write. {@link #line} escapes such a char again, so
 * that one hostile prompt echoed in an answer cannot stop an export.
 */
final class RecordJson {
    private RecordJson() {
    }

    /**
     * The record as one line of JSON text that any UTF-8 writer can encode: each lone
     * surrogate is written as its <code>&#92;uXXXX</code> escape, which reads back as the same string;
     * everything else, surrogate pairs included, as it is.
     */
    static String line(ConsumerRecord<byte[], byte[]> record) throws JsonProcessingException {
        return escapeLoneSurrogates(Json.MAPPER.writeValueAsString(of(record)));
    }

    static ObjectNode of(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = Json.MAPPER.createObjectNode()
                .put("topic", record.topic())
                .put("partition", record.partition())
                .put("offset", record.offset())
                .put("timestamp", record.timestamp());
        putBytes(line, "key", record.key(), false);
        putBytes(line, "value", record.value(), true);
        if (record.headers().toArray().length > 0) {
            ObjectNode headers = line.putObject("headers");
            for (Header header : record.headers()) {
                putBytes(headers, header.key(), header.value(), false);
            }
        }
        return line;
    }

    private static void putBytes(ObjectNode target, String field, byte[] bytes, boolean parseJson) {
        if (bytes == null) {
            target.putNull(field);
            return;
        }
        String text = utf8(bytes);
        if (text == null) {
            target.put(field + "Base64", Base64.getEncoder().encodeToString(bytes));
            return;
        }
        if (parseJson && text.stripLeading().startsWith("{")) {
            try {
                JsonNode json = Json.MAPPER.readTree(text);
                target.set(field, json);
                return;
            } catch (IOException notJson) {
                // A bad prompt on the dead-letter topic: show it as the text it is.
            }
        }
        target.put(field, text);
    }

    /**
     * Outside its strings JSON text is ASCII, so every surrogate is inside a string, where the
     * escape stands for exactly that char.
     */
    private static String escapeLoneSurrogates(String json) {
        StringBuilder escaped = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1))) {
                escaped.append(c).append(json.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    private static String utf8(byte[] bytes) {
        return StrictUtf8.decode(bytes).orElse(null);
    }
}

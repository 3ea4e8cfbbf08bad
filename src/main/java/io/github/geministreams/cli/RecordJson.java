package io.github.geministreams.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One consumed record as a JSON line: topic, partition, offset, timestamp, key, value and
 * headers. A value that is JSON is embedded as JSON; other UTF-8 as a string; bytes that are
 * not UTF-8 (a dead-lettered binary prompt) as {@code valueBase64}, so nothing is mangled.
 * Stateless.
 */
final class RecordJson {
    private RecordJson() {
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

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}

package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What tests read out of the pipeline's output records, from a broker or a TopologyTestDriver
 * alike: a header's text, an embedding's values.
 */
public final class RecordContents {
    private RecordContents() {
    }

    /** The last {@code name} header as UTF-8 text; null when there is none. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }

    /** As {@link #header}, but "" when there is none: for a test that searches the text. */
    public static String headerOrEmpty(Headers headers, String name) {
        String text = header(headers, name);
        return text == null ? "" : text;
    }

    /** An embedding's {@code values} array as floats, to compare with an expected vector. */
    public static float[] floats(JsonNode values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = (float) values.get(i).asDouble();
        }
        return vector;
    }
}

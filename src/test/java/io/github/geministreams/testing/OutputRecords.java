package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * What tests read out of the pipeline's output records, from a broker or a TopologyTestDriver
 * alike.
 */
public final class OutputRecords {
    private OutputRecords() {
    }

    /** The last {@code name} header as UTF-8 text; null when there is none. */
    public static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), UTF_8);
    }
}

package io.github.geministreams.topics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One declared topic: its Kafka name, partitions, replication factor and topic configs. */
public record TopicSpec(TopicRole role, String name, int partitions, short replicationFactor, Map<String, String> configs) {
    public TopicSpec {
        configs = Collections.unmodifiableMap(new LinkedHashMap<>(configs));
    }
}

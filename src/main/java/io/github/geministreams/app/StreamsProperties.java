package io.github.geministreams.app;

import io.github.geministreams.config.AppConfig;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/** The Kafka Streams properties of the application. */
public final class StreamsProperties {
    private StreamsProperties() {
    }

    /**
     * Properties for the Kafka Streams application: our safe defaults (exactly_once_v2,
     * exception handlers, our application id and bootstrap servers), then every pass-through
     * Kafka property, which overrides those defaults.
     */
    public static Properties of(AppConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "zstd");
        // A prompt of the broker's maximum size goes to dead-letter with headers added: allow
        // records up to the dead-letter topic's max.message.bytes (2 MiB in topics.yaml).
        props.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), String.valueOf(2 * 1024 * 1024));
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");
        // A record that cannot be deserialized is logged and skipped rather than stopping the
        // thread on every instance its task moves to. Every source reads raw bytes, which always
        // deserialize, so this guards future typed sources. Prompts stay raw so that the parser
        // dead-letters a bad one instead of this handler dropping it.
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class.getName());
        // Skipping a record that failed in processing would lose a prompt under exactly-once:
        // only the job tracker's events may be skipped.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, PipelineExceptionHandler.class.getName());
        // The global thread (the handover store) gets the same handler, which fails there as it
        // would without one; set so that Kafka Streams does not warn of it at every start.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        config.stateDir().ifPresent(dir -> props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString()));
        props.putAll(config.clientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        return props;
    }
}

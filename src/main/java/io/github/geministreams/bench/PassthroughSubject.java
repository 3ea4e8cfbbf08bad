package io.github.geministreams.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/** Prompts copied to an output topic by Kafka Streams, exactly once, no Gemini: what Kafka alone allows. */
final class PassthroughSubject implements BenchSubject {
    private final KafkaStreams streams;

    PassthroughSubject(Map<String, Object> clientProperties, String applicationId, String prompts, String output,
                       Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(prompts, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        this.streams = new KafkaStreams(builder.build(),
                BaselineStreams.properties(clientProperties, applicationId, stateDir));
    }

    @Override
    public void start() throws InterruptedException {
        BaselineStreams.startAndAwaitRunning(streams, "passthrough", Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
    }
}

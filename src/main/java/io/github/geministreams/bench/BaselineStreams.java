package io.github.geministreams.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/** What the baseline rows' plain {@link KafkaStreams} applications share: their settings and their start. */
final class BaselineStreams {
    private BaselineStreams() {
    }

    /** Exactly once, like gemini-streams, so that every row pays for the same guarantee. */
    static Properties properties(Map<String, Object> clientProperties, String applicationId, Path stateDir) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return props;
    }

    static void startAndAwaitRunning(KafkaStreams streams, String name, Duration timeout) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.start();
        if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("The " + name + " row did not reach RUNNING within " + timeout.toSeconds()
                    + " s (state " + streams.state() + ")");
        }
    }
}

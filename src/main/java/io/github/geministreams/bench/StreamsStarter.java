package io.github.geministreams.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/** Starts a plain {@link KafkaStreams} of a baseline row and waits until it is RUNNING. */
final class StreamsStarter {
    private StreamsStarter() {
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

package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.EnumSet;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** In which Kafka Streams states a stop waits for the answers in flight to be forwarded. */
class GracefulStopStateTest {
    @Test
    void shouldWaitForAnswersInFlightWhileRunningAndWhileRebalancing() {
        Set<KafkaStreams.State> drained = EnumSet.noneOf(KafkaStreams.State.class);
        for (KafkaStreams.State state : KafkaStreams.State.values()) {
            if (StreamsApplication.answersForwardedIn(state)) {
                drained.add(state);
            }
        }
        assertEquals(EnumSet.of(KafkaStreams.State.RUNNING, KafkaStreams.State.REBALANCING), drained,
                "a stop during a rebalance still forwards what is in flight");
    }
}

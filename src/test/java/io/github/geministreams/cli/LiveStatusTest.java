package io.github.geministreams.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.metrics.PipelineMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LiveStatusTest {
    @Test
    void shouldSummariseTheApplicationsMetersInOneLine() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PipelineMetrics metrics = new PipelineMetrics(registry);
        AtomicInteger inFlight = new AtomicInteger(3);
        metrics.trackInFlight(inFlight::get, () -> 64);
        LiveStatus status = new LiveStatus(registry);
        for (int i = 0; i < 5; i++) {
            metrics.promptReceived();
        }
        metrics.outputWritten("responses");
        metrics.outputWritten("embeddings");
        metrics.outputWritten("dead-letter");
        metrics.deadLettered("parse");

        String line = status.line();

        assertTrue(line.contains("in flight 3"), line);
        assertTrue(line.contains("dead-lettered 1"), line);
        assertTrue(line.contains("(total in 5, out 3)"), line);
        assertTrue(status.line().contains("in 0.0/s"), "rates count only what came since the last line");
    }
}

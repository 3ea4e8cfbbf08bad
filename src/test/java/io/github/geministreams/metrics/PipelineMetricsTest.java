package io.github.geministreams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PipelineMetricsTest {
    @Test
    void shouldCountRetriesOfEveryOperationTogether() {
        PipelineMetrics metrics = PipelineMetrics.inMemory();
        assertEquals(0, metrics.retries());
        metrics.retried("embed");
        metrics.retried("generate");
        metrics.retried("embed");
        assertEquals(3, metrics.retries());
    }
}

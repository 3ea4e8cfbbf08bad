package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.jobs.JobTrackerSupplier;
import io.github.geministreams.testing.FakeGeminiClient;
import io.github.geministreams.topology.InstanceServices;
import io.github.geministreams.topology.PromptTopology;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class PipelineExceptionHandlerTest {
    private final PipelineExceptionHandler handler = new PipelineExceptionHandler();
    private final Record<byte[], byte[]> record = new Record<>(new byte[] {1}, new byte[] {2}, 0L);

    @Test
    void shouldSkipARecordTheJobTrackerFailedOn() {
        var response = handler.handleError(new Failure(JobTrackerSupplier.NODE_NAME), record, new NullPointerException());
        assertEquals(Result.RESUME, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
    }

    @Test
    void shouldFailOnAnyOtherNodeSoThatNoPromptIsLost() {
        for (String node : new String[] {"parse-prompts", "gemini-batcher", "responses-sink"}) {
            var response = handler.handleError(new Failure(node), record, new IllegalStateException("a bug"));
            assertEquals(Result.FAIL, response.result(), node);
        }
    }

    @Test
    void shouldFailOnKafkaStreamsOwnFailuresInTheJobTrackerToo() {
        var response = handler.handleError(new Failure(JobTrackerSupplier.NODE_NAME), record,
                new ProcessorStateException("store is broken"));
        assertEquals(Result.FAIL, response.result());
    }

    @Test
    void shouldRecognizeTheJobTrackerByTheNameTheTopologyGivesIt() {
        AppConfig config = AppConfig.defaults();
        try (FakeGeminiClient client = new FakeGeminiClient();
             InstanceServices services = new InstanceServices(config, client)) {
            TopologyDescription description = PromptTopology.build(config, services).describe();
            var tracker = description.subtopologies().stream()
                    .flatMap(subtopology -> subtopology.nodes().stream())
                    .filter(node -> node instanceof TopologyDescription.Processor processor
                            && processor.stores().contains(JobTrackerSupplier.STORE_NAME))
                    .toList();
            assertEquals(1, tracker.size(), "one node owns the job store: " + description);
            assertEquals(JobTrackerSupplier.NODE_NAME, tracker.get(0).name());
        }
    }

    /** Where a record failed: only the node matters to the handler. */
    private record Failure(String processorNodeId) implements ErrorHandlerContext {
        @Override
        public String topic() {
            return "job-events";
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return 7;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public TaskId taskId() {
            return new TaskId(1, 0);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    }
}

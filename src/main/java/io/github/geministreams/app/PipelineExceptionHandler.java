package io.github.geministreams.app;

import io.github.geministreams.jobs.JobTrackerSupplier;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The application's processing exception handler. It skips a record only when the job
 * tracker failed on it, and fails for every other node.
 *
 * <p>Skipping a job event costs at most one prompt's count in its job's progress. The
 * prompt's outputs are already committed. Without the skip, the stream thread stops, and the
 * task takes the same record to every instance it moves to. The tracker already skips
 * malformed events itself, so this handler only sees what nobody anticipated. A failure of
 * the tracker's progress punctuator skips that round of progress records.
 *
 * <p>Anywhere else, skipping would lose a prompt: the transaction would commit its offset
 * with no output. Failing aborts the transaction, and the uncaught exception handler
 * replaces the thread, which reads the prompt again. Bad prompts never reach this point;
 * the parser dead-letters them. A {@link StreamsException} is Kafka Streams' own failure,
 * such as a store or producer error, not a problem with the record, so it fails on the
 * tracker too. Stateless and thread-safe.
 */
public final class PipelineExceptionHandler implements ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(PipelineExceptionHandler.class);

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (!JobTrackerSupplier.NODE_NAME.equals(context.processorNodeId()) || exception instanceof StreamsException) {
            return Response.fail();
        }
        log.warn("The job tracker failed at {}-{}-{} (task {}); skipped, so its job's progress may miss this event",
                context.topic(), context.partition(), context.offset(), context.taskId(), exception);
        return Response.resume();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        // Nothing to configure.
    }
}

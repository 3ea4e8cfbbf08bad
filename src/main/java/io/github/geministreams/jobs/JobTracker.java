package io.github.geministreams.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geministreams.serde.Json;
import io.github.geministreams.support.RateLimitedLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the finished prompts of each job and writes its progress to the jobs topic: a
 * {@code RUNNING} record at most once per progress interval while prompts end, and exactly
 * one {@code COMPLETED} record when the declared {@code jobSize} prompts have ended.
 *
 * <p>Reads the job-events topic, keyed by job id, so one task owns each job. The counts live
 * in a changelogged store and are updated in the same exactly-once transaction that consumes
 * the event, so a crash neither loses nor double-counts a prompt, and the completion record
 * is written once. Which jobs changed since the last progress record is kept in memory
 * only: after a crash a job's next event brings its progress back. Stream thread only.
 *
 * <p>A record that is not a job event (not JSON, wrong types, no job id, no value) is logged
 * with its coordinates and skipped: it counts for no job, and it must not stop the stream
 * thread, because the task and its bad record would move to the next instance and stop
 * that one too.
 */
final class JobTracker implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(JobTracker.class);

    private final String storeName;
    private final Duration progressInterval;
    private final Set<String> changed = new LinkedHashSet<>();
    private final RateLimitedLog overflowLog = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final RateLimitedLog malformedLog = new RateLimitedLog(log, Duration.ofSeconds(10));
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, JobState> jobs;

    JobTracker(String storeName, Duration progressInterval) {
        this.storeName = storeName;
        this.progressInterval = progressInterval;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.jobs = context.getStateStore(storeName);
        context.schedule(progressInterval, PunctuationType.WALL_CLOCK_TIME, now -> publishProgress());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        JobEvent event = readEvent(record);
        if (event == null) {
            return;
        }
        JobState before = jobs.get(event.job());
        JobState after = before == null ? JobState.first(event) : before.plus(event);
        jobs.put(event.job(), after);
        if (before != null && before.isCompleted()) {
            overflowLog.warn("Job {} has more prompts than its jobSize {} ({} so far); its completion record stands",
                    event.job(), before.total(), after.done());
        } else if (after.isCompleted()) {
            changed.remove(event.job());
            forward(after);
            log.info("Job {} completed: {} prompts, {} succeeded, {} failed, in {} ms", after.job(), after.done(),
                    after.succeeded(), after.failed(), after.elapsedMs());
        } else {
            changed.add(event.job());
        }
    }

    /** The event {@code record} holds, or null, logged, when it holds none. */
    private JobEvent readEvent(Record<byte[], byte[]> record) {
        String problem;
        if (record.value() == null) {
            problem = "no value";
        } else {
            try {
                JobEvent event = Json.fromBytes(record.value(), JobEvent.class);
                if (event != null && event.job() != null) {
                    return event;
                }
                problem = "no job id";
            } catch (SerializationException e) {
                // Jackson's own message, without the location line it appends.
                problem = e.getCause() instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            }
        }
        malformedLog.warn("Skipped a malformed job event at {} ({} bytes): {}", context.recordMetadata()
                        .map(source -> source.topic() + "-" + source.partition() + "-" + source.offset())
                        .orElse("an unknown offset"),
                record.value() == null ? 0 : record.value().length, problem);
        return null;
    }

    private void publishProgress() {
        for (String job : changed) {
            JobState state = jobs.get(job);
            if (state != null && !state.isCompleted()) {
                forward(state);
            }
        }
        changed.clear();
    }

    private void forward(JobState state) {
        context.forward(new Record<>(state.job().getBytes(StandardCharsets.UTF_8), Json.toBytes(state),
                context.currentSystemTimeMs()));
    }
}

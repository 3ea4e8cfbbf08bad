package io.github.geministreams.jobs;

import io.github.geministreams.serde.Json;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Record;

/**
 * One prompt of a job has ended: every task has an output, or at least one went to
 * dead-letter ({@code failed}). Written to the job-events topic keyed by job id, in the
 * same transaction as the prompt's last output, so the tracker counts each prompt once.
 *
 * @param jobSize         the prompt's declared job size, or null when it named none
 * @param promptTimestamp the prompt record's timestamp
 * @param outputTime      wall-clock time the prompt's last output was forwarded
 * @param costUsd         the estimated cost of the prompt's outputs (those with a price); an event
 *                        written before this field reads as 0
 */
public record JobEvent(String job, Long jobSize, boolean failed, long promptTimestamp, long outputTime,
                       double costUsd) {

    /** A prompt that cost nothing: one rejected before any Gemini call. */
    public JobEvent(String job, Long jobSize, boolean failed, long promptTimestamp, long outputTime) {
        this(job, jobSize, failed, promptTimestamp, outputTime, 0);
    }

    /** The record to forward to the job-events sink. */
    public Record<byte[], byte[]> toRecord() {
        return new Record<>(job.getBytes(StandardCharsets.UTF_8), Json.toBytes(this), outputTime);
    }
}

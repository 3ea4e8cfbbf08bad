package io.github.geministreams.topology.batchjob;

import io.github.geministreams.gemini.BatchJobState;

/** The reason on the dead letter of a prompt whose Gemini batch job failed, expired or was cancelled. */
final class BatchJobFailedException extends RuntimeException {
    BatchJobFailedException(BatchJobRecord job, BatchJobState state, String error) {
        super("Gemini batch job " + job.name() + " (" + job.displayName() + ") ended " + state
                + (error == null ? "" : ": " + error), null, false, false);
    }
}

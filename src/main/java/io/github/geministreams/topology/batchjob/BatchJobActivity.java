package io.github.geministreams.topology.batchjob;

import io.github.geministreams.gemini.BatchJobState;

/** One task incarnation's part of the instance's {@link BatchJobBoard}. Stream thread only. */
final class BatchJobActivity {
    private final BatchJobBoard board;

    BatchJobActivity(BatchJobBoard board) {
        this.board = board;
    }

    /**
     * @param waiting      batch-mode prompts not answered yet
     * @param running      jobs created at the API and not ended
     * @param oldestMillis when the oldest of those prompts was collected; {@link Long#MAX_VALUE} for none
     */
    void update(int waiting, int running, long oldestMillis) {
        board.report(this, waiting, running, oldestMillis);
    }

    void created() {
        board.created();
    }

    void finished(BatchJobState state) {
        board.finished(state);
    }

    /** The task incarnation has closed: its figures leave the instance's sums. */
    void close() {
        board.remove(this);
    }
}

package io.github.geministreams.topology;

import io.github.geministreams.gemini.BatchJobState;

/** One task incarnation's part of the instance's {@link BatchBoard}. Stream thread only. */
final class BatchActivity {
    private final BatchBoard board;

    BatchActivity(BatchBoard board) {
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

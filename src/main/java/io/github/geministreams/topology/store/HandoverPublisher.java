package io.github.geministreams.topology.store;

/**
 * Where a closed task's open calls and late answers go for the task's next owner (see
 * {@link HandoverEntry}). Records are written outside any transaction: the task that sent the
 * calls has already committed and closed. Order per key is kept (one producer, one key, one
 * partition), so an answer always follows the record that announced its call.
 *
 * <p>Thread-safe: called from stream threads and Gemini's callback threads.
 */
public interface HandoverPublisher extends AutoCloseable {
    /** Publishes nothing: topology tests and the bench's client rows, where no task ever moves. */
    HandoverPublisher NONE = new HandoverPublisher() {
        @Override
        public void publish(String key, HandoverEntry entry) {
        }

        @Override
        public void close() {
        }
    };

    /** Writes {@code entry} under {@code key}; a null entry says no answer will come. Returns at once. */
    void publish(String key, HandoverEntry entry);

    @Override
    void close();
}

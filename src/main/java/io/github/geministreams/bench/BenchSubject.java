package io.github.geministreams.bench;

/** What a row measures: something that reads the row's prompts topic and writes its outputs. */
interface BenchSubject extends AutoCloseable {
    /** Starts, and returns once it is processing. */
    void start() throws Exception;

    /** Gemini attempts retried so far, or -1 when the subject does not count them. */
    default long retries() {
        return -1;
    }

    @Override
    void close();
}

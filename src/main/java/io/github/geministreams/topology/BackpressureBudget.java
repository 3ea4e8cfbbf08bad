package io.github.geministreams.topology;

import java.time.Duration;

/**
 * How long one stream thread may still wait for Gemini capacity inside {@code process}
 * before its next punctuation.
 *
 * <p>Why a budget per thread: Kafka Streams commits a thread's transaction only between
 * processing rounds. A round in which many records each wait their backpressure slice holds
 * the transaction open past {@code transaction.timeout.ms} (10 s under exactly-once); the
 * coordinator then aborts it and fences the producer, and every answer of the round is lost
 * and asked of Gemini again. With the budget a round waits at most {@link #PER_ROUND} in
 * all, whatever its number of records and tasks; the records after that are taken without
 * waiting (they are in the pending store, and go out as permits free up).
 *
 * <p>Thread-confined: one per stream thread, shared by that thread's tasks, refilled by their
 * punctuators, which run between rounds.
 */
final class BackpressureBudget {
    static final Duration PER_ROUND = Duration.ofSeconds(1);
    private static final ThreadLocal<BackpressureBudget> OF_THREAD = ThreadLocal.withInitial(BackpressureBudget::new);

    private long leftNanos = PER_ROUND.toNanos();

    private BackpressureBudget() {
    }

    /** The budget of the calling stream thread. */
    static BackpressureBudget ofThisThread() {
        return OF_THREAD.get();
    }

    void refill() {
        leftNanos = PER_ROUND.toNanos();
    }

    long leftNanos() {
        return leftNanos;
    }

    void spend(long nanos) {
        leftNanos = Math.max(0, leftNanos - nanos);
    }
}

package io.github.geministreams.pacing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * Places for Gemini requests in flight: at most as many as a limit that may change at any
 * time (a {@link ConcurrencyLimit}). A lower limit takes effect as requests end; none is cut
 * short. Thread-safe.
 */
final class RequestPermits {
    private final IntSupplier limit;
    private int inFlight;

    public RequestPermits(IntSupplier limit) {
        this.limit = limit;
    }

    /** Takes a place for one request if fewer than the limit are in flight. */
    public synchronized boolean tryAcquire() {
        if (inFlight >= limit.getAsInt()) {
            return false;
        }
        inFlight++;
        return true;
    }

    /** Gives back the place of a request whose answer has been handled. */
    public synchronized void release() {
        inFlight--;
        if (inFlight == 0) {
            notifyAll();
        }
    }

    public synchronized int inFlight() {
        return inFlight;
    }

    /** Waits until no request is in flight, or the timeout passes; true when idle. */
    public synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }
}

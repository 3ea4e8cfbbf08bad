package io.github.geministreams.cli;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one-line status {@code local} prints while it runs: prompts in and outputs out per
 * second, requests in flight and dead-lettered tasks, read from the application's meters.
 * On a terminal the line is redrawn in place every interval (on stderr, so the records
 * printed on stdout stay clean); when stderr is not a terminal it prints nothing.
 */
final class LiveStatus implements AutoCloseable {
    private final MeterRegistry registry;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gemini-streams-status");
        thread.setDaemon(true);
        return thread;
    });
    private double lastIn;
    private double lastOut;
    private long lastNanos = System.nanoTime();

    LiveStatus(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Starts redrawing, only when a person is watching. */
    static LiveStatus startIfTerminal(MeterRegistry registry, PrintStream out, Duration interval) {
        LiveStatus status = new LiveStatus(registry);
        if (System.console() != null) {
            status.timer.scheduleAtFixedRate(() -> out.print("\r" + status.line() + "   "),
                    interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return status;
    }

    /** The status since the previous call. */
    String line() {
        double in = sum("gemini.streams.prompts.in");
        double outputs = sum("gemini.streams.outputs");
        double deadLettered = sum("gemini.streams.dead.lettered");
        Gauge inFlight = registry.find("gemini.streams.in.flight").gauge();
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastNanos) / 1e9);
        String line = String.format(Locale.ROOT, "in %.1f/s  out %.1f/s  in flight %d  dead-lettered %d  (total in %d, out %d)",
                (in - lastIn) / seconds, (outputs - lastOut) / seconds, inFlight == null ? 0 : (long) inFlight.value(),
                (long) deadLettered, (long) in, (long) outputs);
        lastIn = in;
        lastOut = outputs;
        lastNanos = now;
        return line;
    }

    private double sum(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

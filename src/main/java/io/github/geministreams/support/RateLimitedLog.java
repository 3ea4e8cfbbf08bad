package io.github.geministreams.support;

import java.time.Duration;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * Logs at most one line per interval and counts what it held back, so that a flood of bad
 * records says so once in a while instead of once per record. Thread-safe: Gemini callbacks
 * on several threads share one.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long intervalNanos;
    private long nextAllowedNanos;
    private long suppressed;

    public RateLimitedLog(Logger log, Duration interval) {
        this.log = log;
        this.intervalNanos = interval.toNanos();
        this.nextAllowedNanos = System.nanoTime();
    }

    public void warn(String format, Object... arguments) {
        log(Level.WARN, format, arguments);
    }

    public void info(String format, Object... arguments) {
        log(Level.INFO, format, arguments);
    }

    private synchronized void log(Level level, String format, Object... arguments) {
        long now = System.nanoTime();
        if (now - nextAllowedNanos < 0) {
            suppressed++;
            return;
        }
        nextAllowedNanos = now + intervalNanos;
        if (suppressed > 0) {
            log.atLevel(level).log(format + " (and {} more like it since the last such line)", append(arguments, suppressed));
            suppressed = 0;
        } else {
            log.atLevel(level).log(format, arguments);
        }
    }

    private static Object[] append(Object[] arguments, Object last) {
        Object[] all = Arrays.copyOf(arguments, arguments.length + 1);
        all[arguments.length] = last;
        return all;
    }
}

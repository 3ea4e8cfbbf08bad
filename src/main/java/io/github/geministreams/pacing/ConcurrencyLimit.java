package io.github.geministreams.pacing;

import com.netflix.concurrency.limits.limit.Gradient2Limit;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many Gemini requests this instance keeps in flight: as many as its quota needs at the
 * latency Gemini shows, never more than {@code max.in.flight} (a cap, not a target).
 *
 * <p><b>With a quota</b> the limit follows Little's law: requests in flight = the rate the
 * quota allows × the time a request takes, with {@link #HEADROOM} for jitter. The rate is
 * this instance's share of requests (or tokens) per minute divided by what one request costs
 * on average (an embed bundle of 40 texts costs 40 requests); the time is the mean time calls
 * took in the last seconds from start to end, their retries' backoff included (a call backing
 * off after a 429 holds its place), but not the time they waited in line for the quota
 * (counting that would raise the limit, which lengthens the line, without end). A fixed cap
 * would hold the rate to cap ÷ latency whatever the quota (64 at 2 s: 32 requests/s); this
 * reaches the quota at any latency.
 *
 * <p><b>Without a quota</b> nothing says how fast Gemini (or this machine) can go, so the limit
 * is found by watching latency: Netflix's {@link Gradient2Limit} grows it while latency stays
 * flat and shrinks it when latency climbs above its long-run level (the server or the client
 * is saturated and more requests would only queue).
 *
 * <p><b>Overload.</b> When a few percent of the last second's answers are 429 or 503, or Gemini
 * suddenly slows down (the last second's mean latency over twice its long-run mean), the limit
 * is halved (down to a twentieth), then grows back by a tenth a second: more requests would
 * only queue at an overloaded server.
 *
 * <p>The limit is a gauge ({@code gemini_streams_concurrency_limit}) and logged when it changed,
 * at most once a minute.
 *
 * <p>Thread-safe: {@link #limit} from stream threads ({@link RequestPermits}), {@link #attempted}
 * and {@link #completed} from HTTP callback threads, {@link #adjust} once a second on the
 * dispatcher's scheduler.
 */
final class ConcurrencyLimit implements AttemptListener {
    private static final Logger log = LoggerFactory.getLogger(ConcurrencyLimit.class);
    static final double HEADROOM = 1.5;
    /** Requests always allowed in flight, whatever the quota: a trickle of latency samples. */
    static final int FLOOR = 4;
    private static final int INITIAL_WITHOUT_QUOTA = 64;
    private static final double OVERLOADED_SHARE = 0.03;
    private static final long MIN_OVERLOADED = 3;
    private static final double MIN_FACTOR = 0.05;
    /** Weight of the newest second in the moving averages of latency and cost per request. */
    private static final double SMOOTHING = 0.3;
    /** Weight of the newest second in the long-run latency, about a minute's memory. */
    private static final double LONG_RUN_SMOOTHING = 0.02;
    /** A second this many times slower than the long run is a slowdown. */
    private static final double SLOWDOWN = 2;
    private static final long LOG_INTERVAL_NANOS = Duration.ofMinutes(1).toNanos();

    private final int cap;
    private final GeminiRateLimiter quota;
    private final Gradient2Limit withoutQuota;
    private final LongAdder latencyNanos = new LongAdder();
    private final LongAdder samples = new LongAdder();
    private final LongAdder serviceNanos = new LongAdder();
    private final LongAdder calls = new LongAdder();
    private final LongAdder requestUnits = new LongAdder();
    private final LongAdder tokenUnits = new LongAdder();
    private final LongAdder overloaded = new LongAdder();
    private final IntSupplier inFlight;
    private volatile int limit;
    private double meanLatencySeconds = Double.NaN;
    private double meanServiceSeconds = Double.NaN;
    private double longRunLatencySeconds = Double.NaN;
    private double meanRequestUnits = Double.NaN;
    private double meanTokens = Double.NaN;
    private double factor = 1;
    private int lastLogged;
    private long lastLoggedAtNanos = System.nanoTime() - LOG_INTERVAL_NANOS;

    /**
     * @param cap      {@code max.in.flight}
     * @param quota    the rate limiter whose current limits say what rate to reach
     * @param inFlight requests in flight now (the latency-driven limit grows only while they fill it)
     */
    public ConcurrencyLimit(int cap, GeminiRateLimiter quota, IntSupplier inFlight) {
        this.cap = cap;
        this.quota = quota;
        this.inFlight = inFlight;
        this.withoutQuota = Gradient2Limit.newBuilder()
                .initialLimit(Math.min(cap, INITIAL_WITHOUT_QUOTA))
                .minLimit(Math.min(cap, FLOOR))
                .maxConcurrency(cap)
                .build();
        this.limit = quota.unlimited() ? Math.min(cap, INITIAL_WITHOUT_QUOTA) : littlesLaw();
    }

    /** The number of requests allowed in flight now. */
    public int limit() {
        return limit;
    }

    @Override
    public void attempted(long latency, int requests, long tokens, int httpStatus) {
        latencyNanos.add(latency);
        samples.increment();
        requestUnits.add(requests);
        tokenUnits.add(tokens);
        if (httpStatus == 429 || httpStatus == 503) {
            overloaded.increment();
        } else if (quota.unlimited()) {
            withoutQuota.onSample(0, latency, inFlight.getAsInt(), false);
        }
    }

    @Override
    public void completed(long service) {
        serviceNanos.add(service);
        calls.increment();
    }

    /** Once a second: takes in the last second's answers and sets the limit. */
    public void adjust() {
        long count = samples.sumThenReset();
        long latency = latencyNanos.sumThenReset();
        long requests = requestUnits.sumThenReset();
        long tokens = tokenUnits.sumThenReset();
        long overloadedCount = overloaded.sumThenReset();
        long ended = calls.sumThenReset();
        long service = serviceNanos.sumThenReset();
        if (ended > 0) {
            meanServiceSeconds = smooth(meanServiceSeconds, service / 1e9 / ended, SMOOTHING);
        }
        double lastSecond = count > 0 ? latency / 1e9 / count : Double.NaN;
        boolean slowedDown = count > 0 && lastSecond > SLOWDOWN * longRunLatencySeconds;
        if (count > 0) {
            meanLatencySeconds = smooth(meanLatencySeconds, lastSecond, SMOOTHING);
            longRunLatencySeconds = smooth(longRunLatencySeconds, lastSecond, LONG_RUN_SMOOTHING);
            meanRequestUnits = smooth(meanRequestUnits, (double) requests / count, SMOOTHING);
            meanTokens = smooth(meanTokens, Math.max(1, (double) tokens / count), SMOOTHING);
        }
        String why;
        if (overloadedCount >= MIN_OVERLOADED && overloadedCount > count * OVERLOADED_SHARE) {
            factor = Math.max(MIN_FACTOR, factor / 2);
            why = overloadedCount + " of " + count + " answers were 429 or 503";
        } else if (slowedDown) {
            factor = Math.max(MIN_FACTOR, factor / 2);
            why = String.format("Gemini slowed down: %.0f ms in the last second against %.0f ms", lastSecond * 1000,
                    longRunLatencySeconds * 1000);
        } else {
            factor = Math.min(1, factor + 0.1);
            why = null;
        }
        int target = quota.unlimited() ? withoutQuota.getLimit() : littlesLaw();
        int next = Math.max(Math.min(cap, FLOOR), Math.min(cap, (int) Math.ceil(target * factor)));
        limit = next;
        logChange(why);
    }

    /** Says what the limit is now when it changed, at most once a minute (it moves every second). */
    private void logChange(String why) {
        long now = System.nanoTime();
        if (limit == lastLogged || now - lastLoggedAtNanos < LOG_INTERVAL_NANOS) {
            return;
        }
        log.info("Gemini requests in flight allowed: {} (was {} a minute or more ago; {}, mean latency {} ms, "
                        + "cap max.in.flight={})", limit, lastLogged,
                why != null ? why : quota.unlimited() ? "no quota: latency-driven" : describeQuota(),
                Double.isNaN(meanLatencySeconds) ? "?" : Math.round(meanLatencySeconds * 1000), cap);
        lastLogged = limit;
        lastLoggedAtNanos = now;
    }

    /** Requests in flight that the quota's rate needs at the observed latency, with headroom. */
    private int littlesLaw() {
        // Before the first answer, assume a second per call and requests of one unit. A call
        // takes at least its last attempt's latency (its first answers may still be retrying).
        double latencySeconds = Math.max(orElse(meanServiceSeconds, 1), orElse(meanLatencySeconds, 0));
        double requestsPerSecond = Double.POSITIVE_INFINITY;
        long rpm = quota.requestsPerMinuteNow();
        if (rpm > 0) {
            requestsPerSecond = rpm / 60.0 / Math.max(1, orElse(meanRequestUnits, 1));
        }
        long tpm = quota.tokensPerMinuteNow();
        if (tpm > 0) {
            requestsPerSecond = Math.min(requestsPerSecond, tpm / 60.0 / Math.max(1, orElse(meanTokens, 1)));
        }
        return (int) Math.min(cap, Math.ceil(requestsPerSecond * latencySeconds * HEADROOM) + FLOOR);
    }

    private String describeQuota() {
        return "quota " + quota.requestsPerMinuteNow() + " requests/min, " + quota.tokensPerMinuteNow()
                + " tokens/min (0 = none), " + String.format("%.1f", orElse(meanRequestUnits, 1)) + " requests per call";
    }

    private static double orElse(double value, double fallback) {
        return Double.isNaN(value) ? fallback : value;
    }

    private static double smooth(double previous, double sample, double weight) {
        return Double.isNaN(previous) ? sample : weight * sample + (1 - weight) * previous;
    }
}

package io.github.geministreams.metrics;

import io.github.geministreams.pacing.PacingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * gemini-streams' own meters, named {@code gemini.streams.*} (Prometheus:
 * {@code gemini_streams_*}). One instance per application instance, shared by every stream
 * thread and Gemini callback; Micrometer meters are thread-safe.
 *
 * <p>Counts are taken when a record is forwarded. A transaction that aborts (a crash, a
 * fenced producer) is counted again when the work is redone, so after a crash the counters
 * may exceed what the output topics hold; the topics are the truth, the meters are for
 * watching rates.
 */
public final class PipelineMetrics implements PacingListener {
    private static final String PREFIX = "gemini.streams.";

    private final MeterRegistry registry;
    private final Counter promptsIn;
    private final Timer rateLimiterWait;
    /** Entries in this instance's copy of the answer cache, as its loader last counted them. */
    private final AtomicLong cacheEntries = new AtomicLong();

    public PipelineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.promptsIn = Counter.builder(PREFIX + "prompts.in")
                .description("Prompt records read from the prompts topic")
                .register(registry);
        this.rateLimiterWait = Timer.builder(PREFIX + "rate.limiter.wait")
                .description("Time a Gemini request waited for the requests/tokens-per-minute buckets")
                .register(registry);
        Gauge.builder(PREFIX + "cache.entries", cacheEntries, AtomicLong::get)
                .description("Entries in this instance's copy of the answer cache")
                .register(registry);
    }

    /** Meters kept in memory only, for tests and tools that export nothing. */
    public static PipelineMetrics inMemory() {
        return new PipelineMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void promptReceived() {
        promptsIn.increment();
    }

    /** One record written to an output topic ({@code responses}, {@code embeddings} or {@code dead-letter}). */
    public void outputWritten(String topic) {
        Counter.builder(PREFIX + "outputs")
                .description("Records written to the output topics")
                .tag("topic", topic)
                .register(registry)
                .increment();
    }

    /** One output written from an answer the task's previous owner handed over: a Gemini call not repeated. */
    public void handedOverAnswerUsed(String task) {
        Counter.builder(PREFIX + "handover.answers.used")
                .description("Outputs written from answers handed over by a task's previous owner instead of a new call")
                .tag("task", task)
                .register(registry)
                .increment();
    }

    /** One {@code task} answered from the cache, without a Gemini call. */
    public void cacheHit(String task) {
        Counter.builder(PREFIX + "cache.hits")
                .description("Tasks answered from the cache without a Gemini call")
                .tag("task", task)
                .register(registry)
                .increment();
    }

    /** One repeated {@code task} answered with the answer of its first copy in flight here, without a Gemini call. */
    public void repeatAnsweredInFlight(String task) {
        Counter.builder(PREFIX + "cache.repeats.coalesced")
                .description("Repeats answered with the answer of a copy in flight on this instance, without a Gemini call")
                .tag("task", task)
                .register(registry)
                .increment();
    }

    /** One {@code task} looked up in the cache and not found there (or found expired). */
    public void cacheMissed(String task) {
        Counter.builder(PREFIX + "cache.misses")
                .description("Tasks looked up in the cache and not answered from it")
                .tag("task", task)
                .register(registry)
                .increment();
    }

    /** The number of entries in this instance's copy of the cache now (from the global thread). */
    public void cacheEntries(long entries) {
        cacheEntries.set(entries);
    }

    /** One prompt task dead-lettered at {@code stage} ({@code parse}, {@code generate}, {@code embed}, {@code validate}). */
    public void deadLettered(String stage) {
        Counter.builder(PREFIX + "dead.lettered")
                .description("Prompt tasks dead-lettered, by the stage that failed")
                .tag("stage", stage)
                .register(registry)
                .increment();
    }

    /** One Gemini request dispatched carrying {@code size} items. */
    public void bundleDispatched(String task, int size) {
        DistributionSummary.builder(PREFIX + "bundle.size")
                .description("Items per Gemini request")
                .tag("task", task)
                .publishPercentileHistogram(false)
                .serviceLevelObjectives(1, 2, 5, 10, 25, 50, 75, 90, 100)
                .register(registry)
                .record(size);
    }

    /**
     * One HTTP attempt at Gemini, from send to answer.
     *
     * @param model   the model it was sent to
     * @param outcome {@code ok}, or the HTTP status of the failure, or {@code transport}
     */
    @Override
    public void geminiRequest(String operation, String model, long nanos, String outcome) {
        Timer.builder(PREFIX + "gemini.request")
                .description("Latency of one Gemini HTTP attempt")
                .tag("operation", operation)
                .tag("model", model)
                .tag("outcome", outcome)
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
        if ("429".equals(outcome)) {
            Counter.builder(PREFIX + "gemini.rate.limited")
                    .description("429 RESOURCE_EXHAUSTED answers from Gemini")
                    .tag("operation", operation)
                    .register(registry)
                    .increment();
        }
    }

    /**
     * A generate call passed over {@code model} for the next model of its fallback list.
     *
     * @param reason {@code daily-quota} (answered so, or known to be exhausted and skipped),
     *               {@code not-found} (404) or {@code overloaded} (503 after the retries)
     */
    @Override
    public void modelFallback(String model, String reason) {
        Counter.builder(PREFIX + "model.fallbacks")
                .description("Generate calls passed on from a model to the next one of gemini.generate.model.fallbacks")
                .tag("model", model)
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** Attempts retried so far, every operation together. */
    public long retries() {
        return (long) registry.find(PREFIX + "gemini.retries").counters().stream().mapToDouble(Counter::count).sum();
    }

    /** A failed attempt that will be retried after a backoff. */
    @Override
    public void retried(String operation) {
        Counter.builder(PREFIX + "gemini.retries")
                .description("Gemini attempts retried after a retryable failure")
                .tag("operation", operation)
                .register(registry)
                .increment();
    }

    @Override
    public void rateLimiterWaited(long nanos) {
        rateLimiterWait.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Requests dispatched and not yet forwarded, read when scraped. */
    public void trackInFlight(Supplier<Number> inFlight, Supplier<Number> limit) {
        Gauge.builder(PREFIX + "in.flight", inFlight)
                .description("Gemini requests dispatched and not yet forwarded")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PREFIX + "concurrency.limit", limit)
                .description("Gemini requests allowed in flight now: what the quota needs at the observed latency, "
                        + "at most max.in.flight")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The configured requests- and tokens-per-minute limits (0 = unlimited) and the fraction of
     * them this instance applies now: its share of the prompts partitions, lowered after 429s.
     */
    public void trackRateLimits(long requestsPerMinute, long tokensPerMinute, Supplier<Number> share) {
        Gauge.builder(PREFIX + "rate.limit.share", share)
                .description("Fraction of the configured rate limits this instance applies now")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PREFIX + "rate.limit", () -> requestsPerMinute)
                .description("Configured rate limit (the whole project's); 0 = unlimited")
                .tag("unit", "requests.per.minute")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PREFIX + "rate.limit", () -> tokensPerMinute)
                .description("Configured rate limit (the whole project's); 0 = unlimited")
                .tag("unit", "tokens.per.minute")
                .strongReference(true)
                .register(registry);
    }

    /** A Gemini Batch API job was created. */
    public void batchJobCreated() {
        Counter.builder(PREFIX + "batch.jobs.created")
                .description("Gemini Batch API jobs created")
                .register(registry)
                .increment();
    }

    /** A Gemini Batch API job ended in {@code state} (SUCCEEDED, FAILED, CANCELLED, EXPIRED). */
    public void batchJobFinished(String state) {
        Counter.builder(PREFIX + "batch.jobs.finished")
                .description("Gemini Batch API jobs ended, by their last state")
                .tag("state", state)
                .register(registry)
                .increment();
    }

    /** Batch-mode prompts not answered yet, jobs at the API, and the age of the oldest waiting prompt, read when scraped. */
    public void trackBatchMode(Supplier<Number> promptsWaiting, Supplier<Number> jobsRunning,
                               Supplier<Number> oldestWaitingSeconds) {
        Gauge.builder(PREFIX + "batch.prompts.waiting", promptsWaiting)
                .description("Batch-mode prompt tasks collected or in a Gemini batch job, not answered yet")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PREFIX + "batch.jobs.running", jobsRunning)
                .description("Gemini batch jobs created and not ended")
                .strongReference(true)
                .register(registry);
        Gauge.builder(PREFIX + "batch.oldest.waiting.seconds", oldestWaitingSeconds)
                .description("Age of the oldest batch-mode prompt not answered yet")
                .strongReference(true)
                .register(registry);
    }
}

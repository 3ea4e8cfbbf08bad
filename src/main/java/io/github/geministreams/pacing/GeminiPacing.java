package io.github.geministreams.pacing;

import io.github.geministreams.gemini.GeminiClient;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * How one application instance paces its Gemini calls: the client with its retries and rate
 * limits; this instance's share of the quota, which follows the tasks opened and closed
 * ({@link QuotaShare}); and the request permits of its {@link ConcurrencyLimit} (as many as
 * the quota needs at the observed latency, at most {@code maxInFlight}). A permit is held from
 * dispatch until the caller has handled the call's answer (or handed it over), so "idle" means
 * every answer has been handled.
 *
 * <p>Graceful shutdown: {@link #stopDispatching()}, then {@link #awaitIdle(Duration)} while the
 * callers keep draining answers, then {@link #close()}. Thread-safe.
 */
public final class GeminiPacing implements AutoCloseable {
    /** How often the quota share looks at the last period's 429s. */
    private static final Duration QUOTA_PERIOD = Duration.ofSeconds(1);
    private final ResilientGeminiClient calls;
    private final ModelFallback generateCalls;
    private final QuotaShare quotaShare;
    private final ScheduledExecutorService scheduler;
    private final ConcurrencyLimit concurrency;
    private final RequestPermits permits;
    private final GeminiRateLimiter rateLimiter;
    private final boolean embedTextsCountAsRequests;
    private volatile boolean dispatching = true;

    /** @param listener told of every attempt, retry, rate-limiter wait and fallback */
    public GeminiPacing(PacingSettings settings, GeminiClient client, PacingListener listener) {
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gemini-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.rateLimiter = new GeminiRateLimiter(settings.requestsPerMinute(), settings.tokensPerMinute(), scheduler);
        this.embedTextsCountAsRequests = settings.embedTextsCountAsRequests();
        RateLimitBackoff backoff = new RateLimitBackoff();
        this.quotaShare = new QuotaShare(rateLimiter, backoff, settings.gainedShareAssumedSpent());
        this.permits = new RequestPermits(this::concurrencyLimit);
        this.concurrency = new ConcurrencyLimit(settings.maxInFlight(), rateLimiter, permits::inFlight);
        scheduler.scheduleAtFixedRate(() -> {
            quotaShare.adjust();
            concurrency.adjust();
        }, QUOTA_PERIOD.toMillis(), QUOTA_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        this.calls = new ResilientGeminiClient(client, settings.retry(), rateLimiter, embedTextsCountAsRequests,
                scheduler, listener, AttemptListener.both(concurrency, backoff));
        this.generateCalls = new ModelFallback(calls, settings.generateModel(), settings.generateFallbacks(), listener,
                System::nanoTime);
    }

    /** The Gemini calls, with this instance's retries and rate limits; take a permit per call first. */
    public ResilientGeminiClient calls() {
        return calls;
    }

    /** Generate calls as {@link #calls()} makes them, going on to the fallback models when a model cannot answer. */
    public ModelFallback generateCalls() {
        return generateCalls;
    }

    /** The prompts topic has {@code total} partitions: this instance's quota share is its tasks' part of them. */
    public void promptPartitions(int total) {
        quotaShare.promptPartitions(total);
    }

    /** A task (one prompts partition) opened here: its share of the quota comes with it. */
    public void taskOpened() {
        quotaShare.taskOpened();
    }

    /** A task closed here: its share of the quota goes at once. */
    public void taskClosed() {
        quotaShare.taskClosed();
    }

    /** This instance's part of the project's quota now, 0..1. */
    public double quotaShare() {
        return quotaShare.fraction();
    }

    /**
     * Takes one request permit if one is free and dispatching has not been stopped. When it
     * returns false, wait for a call of yours to complete, then try again.
     */
    public boolean tryAcquire() {
        return dispatching && permits.tryAcquire();
    }

    /**
     * The most texts one embed request may carry now: when each text counts as a request, a
     * hundredth of this instance's per-minute share ({@link GeminiRateLimiter#largestRequest}),
     * so that requests of any size keep the quota spent.
     */
    public int largestEmbedRequest(int configured) {
        return embedTextsCountAsRequests ? (int) Math.min(configured, rateLimiter.largestRequest()) : configured;
    }

    /** Gives back the permit of a request whose completion has been handled. */
    public void release() {
        permits.release();
    }

    /** From now on no new request starts; requests in flight finish and are handled. */
    public void stopDispatching() {
        dispatching = false;
    }

    /**
     * True while requests queue for the per-minute quota: a partial embed request sent now would
     * only queue behind them, and spend a request of the quota on fewer texts.
     */
    public boolean quotaBound() {
        return calls.waitingForQuota() > 0;
    }

    /** Requests held because a daily Gemini quota is exhausted. */
    public int heldOnDailyQuota() {
        return calls.heldOnDailyQuota();
    }

    /** Requests dispatched whose completion has not been handled yet. */
    public int inFlight() {
        return permits.inFlight();
    }

    /** Requests allowed in flight now (adaptive, at most {@code maxInFlight}). */
    public int concurrencyLimit() {
        return concurrency.limit();
    }

    /** Waits until every dispatched request has been handled, or the timeout passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return permits.awaitIdle(timeout);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

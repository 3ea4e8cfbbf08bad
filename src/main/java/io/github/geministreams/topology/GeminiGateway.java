package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.AttemptListener;
import io.github.geministreams.gemini.ConcurrencyLimit;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GeminiRateLimiter;
import io.github.geministreams.gemini.ModelFallback;
import io.github.geministreams.gemini.QuotaShare;
import io.github.geministreams.gemini.RateLimitBackoff;
import io.github.geministreams.gemini.RequestPermits;
import io.github.geministreams.gemini.ResilientGeminiClient;
import io.github.geministreams.gemini.RetrySettings;
import io.github.geministreams.metrics.PipelineMetrics;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Gemini side of one application instance, shared by its batching tasks: the client
 * with its retries and rate limits; this instance's share of the quota, which follows the
 * tasks opened and closed ({@link QuotaShare}); the request permits of its
 * {@link ConcurrencyLimit} (as many as the quota needs at the observed latency, at most
 * {@code max.in.flight}); the {@link HandoverPublisher} closed tasks leave their open
 * calls with; and the {@link OpenCacheKeys} repeated requests wait on. A permit is held from dispatch until the task has handled the call's answer
 * on its stream thread (or handed it over, once the task has closed), so "idle" means every
 * answer has been forwarded or handed over.
 *
 * <p>Graceful shutdown: {@link #stopDispatching()}, then {@link #awaitIdle(Duration)} while
 * the stream threads keep punctuating, then close Kafka Streams. Thread-safe.
 */
public final class GeminiGateway implements AutoCloseable {
    /** How often the quota share looks at the last period's 429s. */
    private static final Duration QUOTA_PERIOD = Duration.ofSeconds(1);
    private final ResilientGeminiClient calls;
    private final ModelFallback generateCalls;
    private final PipelineMetrics metrics;
    private final QuotaShare quotaShare;
    private final ScheduledExecutorService scheduler;
    private final ConcurrencyLimit concurrency;
    private final RequestPermits permits;
    private final GeminiRateLimiter rateLimiter;
    private final boolean embedTextsCountAsRequests;
    private volatile boolean dispatching = true;
    private volatile HandoverPublisher handover = HandoverPublisher.NONE;
    private volatile GeminiBatchClient batchClient = UnavailableBatchClient.INSTANCE;
    private final BatchBoard batchBoard;
    private final OpenCacheKeys openCacheKeys = new OpenCacheKeys();

    /** A dispatcher whose meters are kept in memory only. */
    public GeminiGateway(AppConfig config, GeminiClient client) {
        this(config, client, PipelineMetrics.inMemory());
    }

    public GeminiGateway(AppConfig config, GeminiClient client, PipelineMetrics metrics) {
        AppConfig.GeminiSettings gemini = config.gemini();
        this.metrics = metrics;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gemini-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        this.rateLimiter = new GeminiRateLimiter(gemini.requestsPerMinute(), gemini.tokensPerMinute(), scheduler);
        this.embedTextsCountAsRequests = gemini.embedTextsCountAsRequests();
        RateLimitBackoff backoff = new RateLimitBackoff();
        this.quotaShare = new QuotaShare(rateLimiter, backoff, gemini.gainedShareAssumedSpent());
        this.permits = new RequestPermits(this::concurrencyLimit);
        this.concurrency = new ConcurrencyLimit(config.pipeline().maxInFlight(), rateLimiter, permits::inFlight);
        scheduler.scheduleAtFixedRate(() -> {
            quotaShare.adjust();
            concurrency.adjust();
        }, QUOTA_PERIOD.toMillis(), QUOTA_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        RetrySettings retry = new RetrySettings(gemini.maxAttempts(), gemini.initialBackoff(), gemini.maxBackoff(), 0.2,
                gemini.dailyQuotaRecheck());
        this.calls = new ResilientGeminiClient(client, retry, rateLimiter, gemini.embedTextsCountAsRequests(), scheduler,
                metrics, AttemptListener.both(concurrency, backoff));
        this.generateCalls = new ModelFallback(calls, gemini.generateModel(), gemini.generateFallbacks(), metrics,
                System::nanoTime);
        this.batchBoard = new BatchBoard(metrics);
        metrics.trackInFlight(this::inFlight, concurrency::limit);
        metrics.trackRateLimits(gemini.requestsPerMinute(), gemini.tokensPerMinute(), quotaShare::fraction);
    }

    /** The Gemini calls, with this instance's retries and rate limits; take a permit per call first. */
    public ResilientGeminiClient calls() {
        return calls;
    }

    /** Generate calls as {@link #calls()} makes them, going on to the fallback models when a model cannot answer. */
    public ModelFallback generateCalls() {
        return generateCalls;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** Where closed tasks leave their open calls and late answers for the next owner; none by default. */
    public void handOverTo(HandoverPublisher publisher) {
        this.handover = publisher;
    }

    HandoverPublisher handover() {
        return handover;
    }

    /** The Gemini Batch API client batch-mode prompts use; without one, their jobs fail with a reason that says so. */
    public void useBatchClient(GeminiBatchClient client) {
        this.batchClient = client;
    }

    GeminiBatchClient batchClient() {
        return batchClient;
    }

    BatchBoard batchBoard() {
        return batchBoard;
    }

    /** The cache keys whose first request is open on this instance, for its tasks' repeats to wait on. */
    OpenCacheKeys openCacheKeys() {
        return openCacheKeys;
    }

    /** The prompts topic has {@code total} partitions: this instance's quota share is its tasks' part of them. */
    public void promptPartitions(int total) {
        quotaShare.promptPartitions(total);
    }

    /** A batching task (one prompts partition) opened here: its share of the quota comes with it. */
    void taskOpened() {
        quotaShare.taskOpened();
    }

    /** A batching task closed here: its share of the quota goes at once. */
    void taskClosed() {
        quotaShare.taskClosed();
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
     * so that batches of any size keep the quota spent.
     */
    public int largestEmbedBatch(int configured) {
        return embedTextsCountAsRequests ? (int) Math.min(configured, rateLimiter.largestRequest()) : configured;
    }

    /** Gives back the permit of a request whose completion has been drained. */
    public void release() {
        permits.release();
    }

    /** From now on no new request starts; requests in flight finish and are forwarded. */
    public void stopDispatching() {
        dispatching = false;
    }

    /**
     * True while requests queue for the per-minute quota: a partial batch sent now would only
     * queue behind them, and spend a request of the quota on fewer texts.
     */
    boolean quotaBound() {
        return calls.waitingForQuota() > 0;
    }

    /** Requests held because a daily Gemini quota is exhausted. */
    public int heldOnDailyQuota() {
        return calls.heldOnDailyQuota();
    }

    /** Requests dispatched whose completion has not been drained yet. */
    public int inFlight() {
        return permits.inFlight();
    }

    /** Requests allowed in flight now (adaptive, at most {@code max.in.flight}). */
    public int concurrencyLimit() {
        return concurrency.limit();
    }

    /** Waits until every dispatched request has been drained, or the timeout passes; true when idle. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        return permits.awaitIdle(timeout);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

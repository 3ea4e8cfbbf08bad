package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.pacing.GeminiPacing;
import io.github.geministreams.pacing.PacingSettings;
import io.github.geministreams.pacing.RetrySettings;
import io.github.geministreams.topology.batchjob.BatchJobBoard;
import io.github.geministreams.topology.batchjob.UnavailableBatchClient;
import io.github.geministreams.topology.cache.OpenCacheKeys;
import io.github.geministreams.topology.store.HandoverPublisher;

/**
 * What the tasks of one application instance share: the {@link GeminiPacing} of its Gemini
 * calls, its metrics, the {@link HandoverPublisher} closed tasks leave their open calls with,
 * the Gemini Batch API client and the board of its running jobs, and the
 * {@link OpenCacheKeys} repeated requests wait on.
 *
 * <p>Thread-safe. Closing it closes the pacing's scheduler; the Gemini clients belong to the caller.
 */
public final class InstanceServices implements AutoCloseable {
    /** Spread of each retry delay, as a fraction of the delay. */
    private static final double RETRY_JITTER = 0.2;
    private final GeminiPacing pacing;
    private final PipelineMetrics metrics;
    private final BatchJobBoard batchJobBoard;
    private final OpenCacheKeys openCacheKeys = new OpenCacheKeys();
    private volatile HandoverPublisher handover = HandoverPublisher.NONE;
    private volatile GeminiBatchClient batchClient = UnavailableBatchClient.INSTANCE;

    /** Services whose meters are kept in memory only. */
    public InstanceServices(AppConfig config, GeminiClient client) {
        this(config, client, PipelineMetrics.inMemory());
    }

    public InstanceServices(AppConfig config, GeminiClient client, PipelineMetrics metrics) {
        this.metrics = metrics;
        this.pacing = new GeminiPacing(pacingSettings(config), client, metrics);
        this.batchJobBoard = new BatchJobBoard(metrics);
        metrics.trackInFlight(pacing::inFlight, pacing::concurrencyLimit);
        metrics.trackRateLimits(config.gemini().requestsPerMinute(), config.gemini().tokensPerMinute(),
                pacing::quotaShare);
    }

    /** The pacing settings the configuration asks for. */
    static PacingSettings pacingSettings(AppConfig config) {
        AppConfig.GeminiSettings gemini = config.gemini();
        RetrySettings retry = new RetrySettings(gemini.maxAttempts(), gemini.initialBackoff(), gemini.maxBackoff(),
                RETRY_JITTER, gemini.dailyQuotaRecheck());
        return new PacingSettings(gemini.requestsPerMinute(), gemini.tokensPerMinute(),
                gemini.embedTextsCountAsRequests(), gemini.gainedShareAssumedSpent(), config.pipeline().maxInFlight(),
                retry, gemini.generateModel(), gemini.generateFallbacks());
    }

    public GeminiPacing pacing() {
        return pacing;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** Where closed tasks leave their open calls and late answers for the next owner; none by default. */
    public void handOverTo(HandoverPublisher publisher) {
        this.handover = publisher;
    }

    public HandoverPublisher handover() {
        return handover;
    }

    /** The Gemini Batch API client batch-mode prompts use; without one, their jobs fail with a reason that says so. */
    public void useBatchClient(GeminiBatchClient client) {
        this.batchClient = client;
    }

    public GeminiBatchClient batchClient() {
        return batchClient;
    }

    public BatchJobBoard batchJobBoard() {
        return batchJobBoard;
    }

    /** The cache keys whose first request is open on this instance, for its tasks' repeats to wait on. */
    public OpenCacheKeys openCacheKeys() {
        return openCacheKeys;
    }

    @Override
    public void close() {
        pacing.close();
    }
}

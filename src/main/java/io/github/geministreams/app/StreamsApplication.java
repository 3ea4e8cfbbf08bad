package io.github.geministreams.app;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.GeminiBackend;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.genai.GenAiBatchClient;
import io.github.geministreams.metrics.MetricsServer;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.topics.TopicProvisioner;
import io.github.geministreams.topics.TopicRole;
import io.github.geministreams.topology.InstanceServices;
import io.github.geministreams.topology.PromptTopology;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running gemini-streams instance: provisions topics, starts Kafka Streams on the
 * prompt topology, and stops it gracefully.
 *
 * <p>Lifecycle: {@link #start(Duration)} returns once Kafka Streams is RUNNING (or fails with the
 * reason). {@link #close()} stops dispatching new Gemini requests, waits up to
 * {@code shutdown.grace} for the requests in flight to be answered and forwarded, then
 * closes Kafka Streams, which commits. Whatever was not dispatched stays in the pending
 * store for the next start. Safe to call {@code close()} from a shutdown hook.
 *
 * <p>Around the topology it keeps: the meters and the /metrics and /health endpoints
 * ({@code metrics.port}); the prompts topic's partition count, from which each batching task
 * takes its share of the Gemini quota; and the pause while a daily quota is exhausted
 * ({@link DailyQuotaPause}).
 */
public final class StreamsApplication implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsApplication.class);
    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(30);
    /** An unexpected exception replaces its stream thread, unless it keeps happening. */
    private static final int MAX_THREAD_REPLACEMENTS = 3;
    private static final Duration QUOTA_CHECK_INTERVAL = Duration.ofSeconds(1);
    private static final Duration REPLACEMENT_WINDOW = Duration.ofMinutes(10);

    private final AppConfig config;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final PipelineMetrics metrics = new PipelineMetrics(registry);
    private final InstanceServices services;
    private final KafkaHandoverPublisher handover;
    /** The Batch API client of batch-mode prompts; null on Vertex AI, where prompts cannot ask for batch mode. */
    private final GenAiBatchClient batchClient;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final DailyQuotaPause dailyQuotaPause;
    private MetricsServer metricsServer;
    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Deque<Long> replacements = new ArrayDeque<>();
    private volatile KafkaStreams.State state = KafkaStreams.State.CREATED;

    public StreamsApplication(AppConfig config, GeminiClient client) {
        this.config = config;
        this.services = new InstanceServices(config, client, metrics);
        this.batchClient = config.gemini().backend() == GeminiBackend.GEMINI_API ? GeminiClients.createBatch(config) : null;
        if (batchClient != null) {
            services.useBatchClient(batchClient);
        }
        this.handover = new KafkaHandoverPublisher(config.clientProperties(), config.topics().name(TopicRole.HANDOVER),
                config.applicationId() + "-handover");
        this.streams = new KafkaStreams(PromptTopology.build(config, services), StreamsProperties.of(config));
        this.streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        this.dailyQuotaPause = new DailyQuotaPause(streams, services.pacing(), QUOTA_CHECK_INTERVAL);
        streams.setStateListener(this::onStateChange);
        streams.setUncaughtExceptionHandler(this::onUncaughtException);
    }

    /** Creates missing topics, starts, and waits for RUNNING up to {@code timeout}. */
    public void start(Duration timeout) {
        log.info("Starting gemini-streams with {}", String.join(", ", config.describe()));
        try (Admin admin = Admin.create(config.clientProperties())) {
            new TopicProvisioner(admin, TOPIC_TIMEOUT).ensure(config.topics());
            int promptPartitions = admin.describeTopics(List.of(config.topics().name(TopicRole.PROMPTS))).allTopicNames()
                    .get(TOPIC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).values().iterator().next().partitions().size();
            // Each batching task opened claims one partition's share of the quota; closed, it gives it back.
            services.pacing().promptPartitions(promptPartitions);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot read the prompts topic's partitions: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the prompts topic's partitions", e);
        }
        if (config.metricsPort() >= 0) {
            metricsServer = MetricsServer.start(config.metricsPort(), registry, () -> state.name());
        }
        services.handOverTo(handover);
        streams.start();
        try {
            if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + timeout.toSeconds()
                        + "s (state " + state + "); is the cluster reachable?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting", e);
        }
        if (state != KafkaStreams.State.RUNNING) {
            throw new IllegalStateException("Kafka Streams stopped while starting (state " + state + "); see the log above");
        }
        log.info("gemini-streams is RUNNING: application.id={}, prompts topic '{}'", config.applicationId(),
                config.topics().name(TopicRole.PROMPTS));
    }

    /** Blocks until Kafka Streams has stopped, for whatever reason. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    public KafkaStreams.State state() {
        return state;
    }

    /** The port of /metrics and /health, when they are served. */
    public OptionalInt metricsPort() {
        return metricsServer == null ? OptionalInt.empty() : OptionalInt.of(metricsServer.port());
    }

    /** True while processing is paused because requests are held on an exhausted daily quota. */
    public boolean pausedForDailyQuota() {
        return dailyQuotaPause.paused();
    }

    /** Our meters and Kafka Streams', as scraped from /metrics. */
    public PrometheusMeterRegistry meters() {
        return registry;
    }

    /** Gemini attempts retried since the start. */
    public long geminiRetries() {
        return metrics.retries();
    }

    /** Requests dispatched to Gemini and not yet forwarded. */
    public int inFlight() {
        return services.pacing().inFlight();
    }

    @Override
    public void close() {
        dailyQuotaPause.close();
        Duration grace = config.pipeline().shutdownGrace();
        services.pacing().stopDispatching();
        int inFlight = services.pacing().inFlight();
        if (inFlight > 0 && answersForwardedIn(state)) {
            log.info("Stopping: waiting up to {}s for {} Gemini requests in flight", grace.toSeconds(), inFlight);
            try {
                if (!services.pacing().awaitIdle(grace)) {
                    log.warn("Stopping: {} requests still in flight after {}s; they stay pending and are sent again on the next start",
                            services.pacing().inFlight(), grace.toSeconds());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        streams.close(Duration.ofSeconds(60));
        services.close();
        if (batchClient != null) {
            batchClient.close();
        }
        handover.close();
        streamsMetrics.close();
        if (metricsServer != null) {
            metricsServer.close();
        }
        log.info("gemini-streams stopped");
    }

    /**
     * True in the states where stream threads punctuate, so that a stop can wait for the
     * answers in flight to be forwarded: RUNNING, and REBALANCING (tasks kept through a
     * rebalance go on punctuating; those revoked hand their answers over).
     */
    static boolean answersForwardedIn(KafkaStreams.State state) {
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    private void onStateChange(KafkaStreams.State newState, KafkaStreams.State oldState) {
        state = newState;
        if (newState == KafkaStreams.State.REBALANCING) {
            log.info("Rebalancing (was {})", oldState);
        }
        if (newState == KafkaStreams.State.RUNNING || newState == KafkaStreams.State.ERROR
                || newState == KafkaStreams.State.NOT_RUNNING || newState == KafkaStreams.State.PENDING_ERROR) {
            running.countDown();
        }
        if (newState == KafkaStreams.State.ERROR || newState == KafkaStreams.State.NOT_RUNNING) {
            stopped.countDown();
        }
    }

    private StreamThreadExceptionResponse onUncaughtException(Throwable exception) {
        long now = System.currentTimeMillis();
        synchronized (replacements) {
            while (!replacements.isEmpty() && now - replacements.peekFirst() > REPLACEMENT_WINDOW.toMillis()) {
                replacements.pollFirst();
            }
            if (replacements.size() < MAX_THREAD_REPLACEMENTS) {
                replacements.addLast(now);
                log.error("Stream thread failed; replacing it (pending prompts are re-dispatched)", exception);
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        log.error("Stream thread failed {} times in {} minutes; shutting this instance down", MAX_THREAD_REPLACEMENTS + 1,
                REPLACEMENT_WINDOW.toMinutes(), exception);
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}

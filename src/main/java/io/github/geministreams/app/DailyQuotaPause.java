package io.github.geministreams.app;

import io.github.geministreams.pacing.GeminiPacing;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pauses Kafka Streams while requests are held on an exhausted daily Gemini quota, and
 * resumes it once none is. Paused, the instance keeps polling and heartbeating, so it stays
 * in its consumer group and keeps its partitions, but reads no more prompts: the backlog
 * waits in Kafka, and nothing is dead-lettered for want of quota.
 *
 * <p>A paused Kafka Streams does not punctuate either, so answers could not be forwarded
 * while it is paused. It therefore pauses only once <em>every</em> request in flight is held
 * on the daily quota: then no answer can arrive to be forwarded until the quota is back, and
 * the first held request to go through ends the pause (within one check interval) before
 * its answer needs forwarding.
 *
 * <p>Checks on a daemon thread of its own every {@code interval}.
 */
final class DailyQuotaPause implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DailyQuotaPause.class);

    private final Runnable pause;
    private final Runnable resume;
    private final IntSupplier heldOnDailyQuota;
    private final IntSupplier inFlight;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "gemini-streams-daily-quota");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean pausedByUs;

    DailyQuotaPause(KafkaStreams streams, GeminiPacing pacing, Duration interval) {
        this(streams::pause, streams::resume, pacing::heldOnDailyQuota, pacing::inFlight);
        timer.scheduleWithFixedDelay(this::check, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Checks only when {@link #check} is called. */
    DailyQuotaPause(Runnable pause, Runnable resume, IntSupplier heldOnDailyQuota, IntSupplier inFlight) {
        this.pause = pause;
        this.resume = resume;
        this.heldOnDailyQuota = heldOnDailyQuota;
        this.inFlight = inFlight;
    }

    /** Pauses or resumes as the requests in flight require. */
    void check() {
        try {
            int held = heldOnDailyQuota.getAsInt();
            boolean onlyHeldInFlight = held > 0 && held >= inFlight.getAsInt();
            if (onlyHeldInFlight && !pausedByUs) {
                pause.run();
                pausedByUs = true;
                log.warn("Daily Gemini quota exhausted: {} requests held; processing paused until the quota is back "
                        + "(the instance stays in its consumer group, nothing is dead-lettered)", held);
            } else if (!onlyHeldInFlight && pausedByUs) {
                resume.run();
                pausedByUs = false;
                log.info("Daily Gemini quota available again: processing resumed");
            }
        } catch (RuntimeException e) {
            log.warn("Could not pause or resume processing for the daily quota: {}", e.toString());
        }
    }

    boolean paused() {
        return pausedByUs;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

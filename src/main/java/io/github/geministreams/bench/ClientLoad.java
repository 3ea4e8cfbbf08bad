package io.github.geministreams.bench;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.cost.CostEstimator;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.model.Mode;
import io.github.geministreams.pacing.GeminiPacing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Sends the benchmark's prompts straight through a {@link GeminiPacing}, no Kafka: the
 * texts and tasks of a {@link PromptSequence}, an embed request per full
 * bundle (of {@code embed.bundle.size} texts, or fewer as the pacing caps them under a small
 * quota; the last one partial) and a generate request per
 * prompt, each after taking one of the pacing's permits. Prompt {@code i} is due at
 * {@code i / rate} seconds (all at once without a rate); its latency runs from then to its
 * answer, so it includes waiting for its batch to fill and for a permit.
 *
 * <p>One run per instance. Not thread-safe: {@link #run} drives the calls and handles their
 * answers on the calling thread; the client's callback threads only queue them.
 */
final class ClientLoad {
    private static final long MAX_LATENCY_MS = Duration.ofHours(1).toMillis();
    /** How long to wait for an answer before looking at the clock (and a permit) again. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    private final GeminiPacing pacing;
    private final AppConfig config;
    private final PromptSequence prompts;
    private final CostEstimator costs;
    private final BlockingQueue<Answer> answers = new LinkedBlockingQueue<>();
    private final Histogram latencyMillis = new Histogram(MAX_LATENCY_MS, 3);
    private long[] dueNanos = new long[0];
    private long startedNanos;
    private long lastAnswerNanos;
    private long outputs;
    private long failed;
    private double costUsd;
    private long unpriced;

    /**
     * The answer to one call for the prompts {@code items}, or its failure for good; queued from
     * a callback thread. {@code costUsd} is the answer's estimated cost, as gemini-streams puts it
     * on its outputs; null when failed or unpriced.
     */
    private record Answer(List<Integer> items, boolean ok, Double costUsd, long atNanos) {
    }

    ClientLoad(GeminiPacing pacing, AppConfig config, PromptSequence prompts) {
        this.pacing = pacing;
        this.config = config;
        this.prompts = prompts;
        this.costs = new CostEstimator(config.prices());
    }

    /**
     * Sends the prompts and handles their answers until every prompt has one or
     * {@code timeout} passes; true when every prompt has one.
     *
     * @param rate prompts per second; 0 = all at once
     */
    boolean run(double rate, Duration timeout) throws InterruptedException {
        int count = prompts.size();
        startedNanos = System.nanoTime();
        lastAnswerNanos = startedNanos;
        long deadline = startedNanos + timeout.toNanos();
        dueNanos = new long[count];
        int configuredBatch = config.pipeline().embedBundle().size();
        List<Integer> batch = new ArrayList<>(configuredBatch);
        for (int i = 0; i < count; i++) {
            dueNanos[i] = rate > 0 ? startedNanos + (long) (i * 1e9 / rate) : startedNanos;
            if (!handleAnswersUntil(dueNanos[i], deadline)) {
                return false;
            }
            boolean sent = true;
            if (prompts.isEmbed(i)) {
                batch.add(i);
                // As large as the pipeline's batches may be now (smaller under a small quota share).
                if (batch.size() >= pacing.largestEmbedRequest(configuredBatch)) {
                    sent = send(batch, true, deadline);
                    batch = new ArrayList<>(configuredBatch);
                }
            } else {
                sent = send(List.of(i), false, deadline);
            }
            if (!sent) {
                return false;
            }
        }
        if (!batch.isEmpty() && !send(batch, true, deadline)) {
            return false;
        }
        while (outputs < count && System.nanoTime() < deadline) {
            handle(answers.poll(Math.min(POLL_NANOS, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
        }
        return outputs >= count;
    }

    /** Handles answers as they come until {@code due}; false when the deadline passes first. */
    private boolean handleAnswersUntil(long due, long deadline) throws InterruptedException {
        long now;
        while ((now = System.nanoTime()) < due) {
            if (now >= deadline) {
                return false;
            }
            handle(answers.poll(Math.min(due, deadline) - now, TimeUnit.NANOSECONDS));
        }
        return true;
    }

    /**
     * Takes a permit, waiting for answers while there is none, then starts the call; false
     * when the deadline passes first.
     */
    private boolean send(List<Integer> items, boolean embed, long deadline) throws InterruptedException {
        while (!pacing.tryAcquire()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            handle(answers.poll(POLL_NANOS, TimeUnit.NANOSECONDS));
        }
        AppConfig.GeminiSettings gemini = config.gemini();
        List<String> texts = items.stream().map(prompts::text).toList();
        CompletableFuture<Double> cost = embed
                ? pacing.calls().embed(new EmbedRequest(gemini.embedModel(), texts,
                        gemini.embedDimensions(), gemini.embedTaskType().orElse(null)))
                        .thenApply(result -> embedCost(gemini.embedModel(), texts))
                : pacing.calls().generate(new GenerateRequest(gemini.generateModel(), texts.get(0), null))
                        .thenApply(result -> costs.response(result.model(), Mode.ONLINE, result.value().usage()));
        cost.whenComplete((usd, failure) -> answers.add(new Answer(items, failure == null, usd, System.nanoTime())));
        return true;
    }

    /** The texts' estimated cost together; null when the model has no price. */
    private Double embedCost(String model, List<String> texts) {
        double sum = 0;
        for (String text : texts) {
            Double cost = costs.embedding(model, Mode.ONLINE, text);
            if (cost == null) {
                return null;
            }
            sum += cost;
        }
        return sum;
    }

    /** Counts an answer's prompts and their latencies, then gives its permit back; null = none came. */
    private void handle(Answer answer) {
        if (answer == null) {
            return;
        }
        for (int item : answer.items()) {
            long millis = TimeUnit.NANOSECONDS.toMillis(answer.atNanos() - dueNanos[item]);
            latencyMillis.recordValue(Math.min(MAX_LATENCY_MS, Math.max(0, millis)));
        }
        outputs += answer.items().size();
        if (!answer.ok()) {
            failed += answer.items().size();
        } else if (answer.costUsd() == null) {
            unpriced += answer.items().size();
        } else {
            costUsd += answer.costUsd();
        }
        lastAnswerNanos = Math.max(lastAnswerNanos, answer.atNanos());
        pacing.release();
    }

    /** Prompts answered or failed for good. */
    long outputs() {
        return outputs;
    }

    /** Prompts whose call failed for good, after its retries. */
    long failed() {
        return failed;
    }

    /** The answers' estimated cost per 1,000 prompts, in US dollars, as {@link OutputWatcher} counts it. */
    double costPer1000Prompts() {
        return OutputWatcher.costPer1000(costUsd, unpriced, outputs - failed, prompts.size());
    }

    /** From the first prompt's due time to the last answer handled. */
    double seconds() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(lastAnswerNanos - startedNanos)) / 1000.0;
    }

    /** Latency at {@code percentile} (0..100), in milliseconds. */
    long latencyMillis(double percentile) {
        return latencyMillis.getValueAtPercentile(percentile);
    }
}

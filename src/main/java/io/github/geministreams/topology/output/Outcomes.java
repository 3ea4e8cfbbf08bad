package io.github.geministreams.topology.output;

import io.github.geministreams.cost.CostEstimator;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.jobs.JobEvent;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.pacing.Attempted;
import io.github.geministreams.pacing.GeminiCallFailedException;
import io.github.geministreams.support.RateLimitedLog;
import io.github.geministreams.topics.TopicRole;
import io.github.geministreams.topology.cache.AnswerCache;
import io.github.geministreams.topology.cache.CacheEntry;
import io.github.geministreams.topology.cache.HeldRepeats;
import io.github.geministreams.topology.online.Bundle;
import io.github.geministreams.topology.online.BundleItem;
import io.github.geministreams.topology.online.Completion;
import io.github.geministreams.topology.online.DispatchBacklog;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.PendingStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one task's Gemini answers into its outputs: a response or embedding per answered
 * item, a dead letter per item that failed for good, and a job event when a prompt's last
 * task ends. Each output is forwarded in the same step that removes its task from the
 * prompt's {@link PendingStore} entry, so with exactly-once both commit together or not at all.
 * A fresh answer also goes to the {@link AnswerCache} in that step, and a task the cache
 * holds is answered from it when its prompt arrives.
 *
 * <p>Stream thread only.
 */
public final class Outcomes {
    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final ProcessorContext<byte[], byte[]> context;
    private final PendingStore store;
    private final OutputNames outputs;
    private final PipelineMetrics metrics;
    /** What an answer from the cache costs: no Gemini call was made. */
    private static final Double CACHED_COST = 0.0;
    private final AnswerCache cache;
    private final CostEstimator costs;
    private final RateLimitedLog deadLetterLog = new RateLimitedLog(log, Duration.ofSeconds(10));

    public Outcomes(ProcessorContext<byte[], byte[]> context, PendingStore store, OutputNames outputs,
                    PipelineMetrics metrics, AnswerCache cache, CostEstimator costs) {
        this.context = context;
        this.store = store;
        this.outputs = outputs;
        this.metrics = metrics;
        this.cache = cache;
        this.costs = costs;
    }

    /**
     * Answers each task of a prompt that has just been stored whose answer the cache holds.
     *
     * @return the prompt with the tasks still to send to Gemini, or null when none is left
     */
    public PendingPrompt settleFromCache(String storeKey, PendingPrompt prompt) {
        long now = context.currentSystemTimeMs();
        BundleItem item = new BundleItem(storeKey, prompt.request());
        boolean answered = false;
        for (Task task : prompt.remaining()) {
            CacheEntry entry = cache.lookup(task, prompt, now);
            if (entry != null) {
                answered |= answerFromCache(item, task, entry);
            }
        }
        return answered ? store.get(storeKey) : prompt;
    }

    /**
     * Forwards {@code entry} as the output of {@code task} of {@code item}, marked as cached (no
     * attempts, no latency, no cost): a cache hit, or a repeat answered with its first copy's
     * answer ({@link HeldRepeats}).
     *
     * @return false when the task had its output already (nothing forwarded)
     */
    public boolean answerFromCache(BundleItem item, Task task, CacheEntry entry) {
        long now = context.currentSystemTimeMs();
        return task == Task.GENERATE
                ? finish(item, task, pending -> OutputRecords.response(pending, entry.model(),
                        new Attempted<>(entry.generated(), 0, entry.model()), 0, CACHED_COST, now, true),
                        TopicRole.RESPONSES, CACHED_COST)
                : finish(item, task, pending -> OutputRecords.embedding(pending, entry.model(), entry.vector(), 0, 0,
                        CACHED_COST, now, true), TopicRole.EMBEDDINGS, CACHED_COST);
    }

    /**
     * Forwards what {@code completion} settles.
     *
     * @return the halves to send again, when the API rejected a whole embed bundle for one of
     *         its texts (or the bundle was larger than the quota share); else empty, and every
     *         item of the bundle has its outcome
     */
    public List<Bundle> settle(Completion completion) {
        Bundle bundle = completion.bundle();
        if (completion.failure() != null) {
            if (isolatable(bundle, completion.failure())) {
                return bundle.split();
            }
            bundle.items().forEach(item -> deadLetter(bundle.key().task(), item, completion.failure()));
            return List.of();
        }
        List<HandoverEntry> answers = completion.itemAnswers();
        for (int i = 0; i < bundle.items().size(); i++) {
            forward(bundle.items().get(i), bundle.key().task(), answers.get(i));
        }
        return List.of();
    }

    /** Forwards the answer the task's previous owner received for {@code handedOver}, instead of a new call. */
    public void settle(DispatchBacklog.HandedOver handedOver) {
        forward(handedOver.item(), handedOver.task(), handedOver.answer());
        metrics.handedOverAnswerUsed(handedOver.task().wireName());
    }

    /**
     * Forwards {@code answer} as {@code item}'s output for {@code task}: a Gemini answer from any path.
     *
     * @return the output's estimated cost; null when nothing was forwarded (the task had its output) or the
     *         model has no price
     */
    public Double forward(BundleItem item, Task task, HandoverEntry answer) {
        long now = context.currentSystemTimeMs();
        boolean forwarded;
        Double cost;
        if (task == Task.GENERATE) {
            cost = costs.response(answer.model(), item.request().mode(), answer.generated().usage());
            forwarded = finish(item, Task.GENERATE, prompt -> OutputRecords.response(prompt, answer.model(),
                    new Attempted<>(answer.generated(), answer.attempts(), answer.model(), answer.attemptsByModel()),
                    answer.latencyMs(), cost, now, false), TopicRole.RESPONSES, cost);
        } else {
            cost = costs.embedding(answer.model(), item.request().mode(), item.text());
            forwarded = finish(item, Task.EMBED, prompt -> OutputRecords.embedding(prompt, answer.model(),
                    answer.vector(), answer.attempts(), answer.latencyMs(), cost, now, false), TopicRole.EMBEDDINGS, cost);
        }
        Record<byte[], byte[]> cached = forwarded ? cache.record(task, item.request(), answer, now) : null;
        if (cached != null) {
            context.forward(cached, outputs.sink(TopicRole.CACHE));
        }
        return forwarded ? cost : null;
    }

    /** Dead-letters {@code item}'s {@code task} with {@code failure} as the reason. */
    public void deadLetter(Task task, BundleItem item, Throwable failure) {
        finish(item, task, prompt -> {
            deadLetterLog.warn("Dead-lettered {} of prompt {} ({}): {}", task.wireName(), prompt.request().id(),
                    prompt.source().asKey(), failure.getMessage());
            metrics.deadLettered(OutputRecords.stage(task, failure).wireName());
            return OutputRecords.deadLetter(prompt, task, failure, context.currentSystemTimeMs());
        }, TopicRole.DEAD_LETTER, null);
    }

    /**
     * Forwards one task's output and removes that task from the pending entry, in one step.
     *
     * @param costUsd the output's estimated cost, added to the prompt's (null: none known)
     * @return false when the task had its output already (nothing forwarded)
     */
    private boolean finish(BundleItem item, Task task, Function<PendingPrompt, Record<byte[], byte[]>> output,
                           TopicRole role, Double costUsd) {
        PendingPrompt prompt = store.get(item.storeKey());
        if (prompt == null || !prompt.remaining().contains(task)) {
            return false;
        }
        context.forward(output.apply(prompt), outputs.sink(role));
        metrics.outputWritten(role.yamlKey());
        if (item.handedOver()) {
            // The previous owner's entry for this item is used up: delete it, in the same transaction.
            context.forward(new Record<>(HandoverEntry.key(item.storeKey(), task).getBytes(StandardCharsets.UTF_8),
                    null, context.currentSystemTimeMs()), outputs.sink(TopicRole.HANDOVER));
        }
        PendingPrompt rest = prompt.without(task, role == TopicRole.DEAD_LETTER, costUsd);
        if (!rest.remaining().isEmpty()) {
            store.put(item.storeKey(), rest);
            return true;
        }
        store.delete(item.storeKey());
        if (rest.request().job() != null) {
            context.forward(new JobEvent(rest.request().job(), rest.request().jobSize(), rest.failed(),
                    rest.source().timestamp(), context.currentSystemTimeMs(), rest.costUsd()).toRecord(),
                    outputs.sink(TopicRole.JOB_EVENTS));
        }
        return true;
    }

    private static boolean isolatable(Bundle bundle, Throwable failure) {
        if (bundle.items().size() < 2 || bundle.key().task() != Task.EMBED) {
            return false;
        }
        Throwable cause = failure instanceof GeminiCallFailedException failed ? failed.failure() : failure;
        return cause instanceof GeminiException gemini && (gemini.httpStatus() == 400 || gemini.largerThanQuota());
    }
}

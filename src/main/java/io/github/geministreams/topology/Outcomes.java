package io.github.geministreams.topology;

import io.github.geministreams.cost.CostEstimator;
import io.github.geministreams.gemini.Attempted;
import io.github.geministreams.gemini.GeminiCallFailedException;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.jobs.JobEvent;
import io.github.geministreams.logging.RateLimitedLog;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.topics.TopicRole;
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
 *
 * <p>Stream thread only.
 */
final class Outcomes {
    private static final Logger log = LoggerFactory.getLogger(Outcomes.class);

    private final ProcessorContext<byte[], byte[]> context;
    private final PendingStore store;
    private final GeminiBatchProcessor.OutputNames outputs;
    private final PipelineMetrics metrics;
    private final CostEstimator costs;
    private final RateLimitedLog deadLetterLog = new RateLimitedLog(log, Duration.ofSeconds(10));

    Outcomes(ProcessorContext<byte[], byte[]> context, PendingStore store, GeminiBatchProcessor.OutputNames outputs,
             PipelineMetrics metrics, CostEstimator costs) {
        this.context = context;
        this.store = store;
        this.outputs = outputs;
        this.metrics = metrics;
        this.costs = costs;
    }

    /**
     * Forwards what {@code completion} settles.
     *
     * @return the halves to send again, when the API rejected a whole embed batch for one of
     *         its texts (or the batch was larger than the quota share); else empty, and every
     *         item of the batch has its outcome
     */
    List<Batch> settle(Completion completion) {
        Batch batch = completion.batch();
        if (completion.failure() != null) {
            if (isolatable(batch, completion.failure())) {
                return batch.split();
            }
            batch.items().forEach(item -> deadLetter(batch.key().task(), item, completion.failure()));
            return List.of();
        }
        List<HandoverEntry> answers = completion.itemAnswers();
        for (int i = 0; i < batch.items().size(); i++) {
            forwardAnswer(batch.items().get(i), batch.key().task(), answers.get(i));
        }
        return List.of();
    }

    /** Forwards the answer the task's previous owner received for {@code handedOver}, instead of a new call. */
    void settle(DispatchBacklog.HandedOver handedOver) {
        forwardAnswer(handedOver.item(), handedOver.task(), handedOver.answer());
        metrics.handedOverAnswerUsed(handedOver.task().wireName());
    }

    private void forwardAnswer(BatchItem item, Task task, HandoverEntry answer) {
        long now = context.currentSystemTimeMs();
        if (task == Task.GENERATE) {
            Double cost = costs.response(answer.model(), item.request().mode(), answer.generated().usage());
            finish(item, Task.GENERATE, prompt -> OutputRecords.response(prompt, answer.model(),
                    new Attempted<>(answer.generated(), answer.attempts(), answer.model(), answer.attemptsByModel()),
                    answer.latencyMs(), cost, now), TopicRole.RESPONSES, cost);
        } else {
            Double cost = costs.embedding(answer.model(), item.request().mode(), item.text());
            finish(item, Task.EMBED, prompt -> OutputRecords.embedding(prompt, answer.model(),
                    answer.vector(), answer.attempts(), answer.latencyMs(), cost, now), TopicRole.EMBEDDINGS, cost);
        }
    }

    private void deadLetter(Task task, BatchItem item, Throwable failure) {
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
     */
    private void finish(BatchItem item, Task task, Function<PendingPrompt, Record<byte[], byte[]>> output, TopicRole role,
                        Double costUsd) {
        PendingPrompt prompt = store.get(item.storeKey());
        if (prompt == null || !prompt.remaining().contains(task)) {
            return;
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
            return;
        }
        store.delete(item.storeKey());
        if (rest.request().job() != null) {
            context.forward(new JobEvent(rest.request().job(), rest.request().jobSize(), rest.failed(),
                    rest.source().timestamp(), context.currentSystemTimeMs(), rest.costUsd()).toRecord(),
                    outputs.sink(TopicRole.JOB_EVENTS));
        }
    }

    private static boolean isolatable(Batch batch, Throwable failure) {
        if (batch.items().size() < 2 || batch.key().task() != Task.EMBED) {
            return false;
        }
        Throwable cause = failure instanceof GeminiCallFailedException failed ? failed.failure() : failure;
        return cause instanceof GeminiException gemini && (gemini.httpStatus() == 400 || gemini.largerThanQuota());
    }
}

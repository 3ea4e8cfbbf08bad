package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.Attempted;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiCallFailedException;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.jobs.JobEvent;
import io.github.geministreams.logging.RateLimitedLog;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.topics.TopicRole;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches prompts, calls Gemini asynchronously and forwards the answers. One instance per
 * stream task (input partition).
 *
 * <p><b>Threading.</b> Everything here runs on the task's stream thread except the Gemini
 * callbacks, which only put a {@link Completion} on a queue. Forwarding and store writes
 * happen in {@link #process}, in the wall-clock punctuator and in the backpressure wait
 * inside {@code process}, all on the stream thread.
 *
 * <p><b>What survives a crash.</b> Every prompt is written to the changelogged pending
 * store before it is batched, and each task's part of the entry is removed in the same
 * step that forwards that task's output. With exactly_once_v2 the outputs, the store
 * changes and the input offsets commit together, so after a crash or rebalance
 * {@link #init} re-dispatches exactly the entries whose outputs were not committed:
 * Gemini may be called again for them, but no output is duplicated and none is lost.
 *
 * <p><b>Backpressure.</b> At most the dispatcher's concurrency limit of requests per instance
 * are at Gemini ({@link GeminiDispatcher} permits). When this task has that many requests
 * in flight or waiting for a permit, {@code process} waits, draining completions, up to
 * {@link #BACKPRESSURE_SLICE} per record and the thread's {@link BackpressureBudget} per
 * processing round: short enough that the thread's other tasks drain theirs and its
 * transaction commits well within {@code transaction.timeout.ms}.
 */
final class GeminiBatchProcessor implements Processor<String, PendingPrompt, byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(GeminiBatchProcessor.class);
    /** The longest one {@code process} call waits for capacity; see {@link #awaitCapacity()}. */
    static final Duration BACKPRESSURE_SLICE = Duration.ofMillis(200);

    private final AppConfig config;
    private final GeminiDispatcher dispatcher;
    private final String storeName;
    private final OutputNames outputs;
    private final OpenBatches openBatches;
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final RateLimitedLog deadLetterLog = new RateLimitedLog(log, Duration.ofSeconds(10));
    private final RateLimitedLog backpressureLog = new RateLimitedLog(log, Duration.ofMinutes(1));
    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, PendingPrompt> pending;
    private int inFlight;
    /** False once this task incarnation has closed: its calls still waiting to be sent are dropped. */
    private volatile boolean open = true;

    /** Sink names of the outputs. */
    record OutputNames(String responses, String embeddings, String deadLetter, String jobEvents) {
        String sink(TopicRole role) {
            return switch (role) {
                case RESPONSES -> responses;
                case EMBEDDINGS -> embeddings;
                case DEAD_LETTER -> deadLetter;
                case JOB_EVENTS -> jobEvents;
                case PROMPTS, JOBS -> throw new IllegalArgumentException(role + " is not an output of this processor");
            };
        }
    }

    GeminiBatchProcessor(AppConfig config, GeminiDispatcher dispatcher, String storeName, OutputNames outputs) {
        this.config = config;
        this.dispatcher = dispatcher;
        this.storeName = storeName;
        this.outputs = outputs;
        int batchSize = config.pipeline().embedBatch().size();
        this.openBatches = new OpenBatches(config.pipeline().embedBatch(), () -> dispatcher.largestEmbedBatch(batchSize));
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.pending = context.getStateStore(storeName);
        context.schedule(config.pipeline().punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::onTick);
        redispatchPending();
    }

    @Override
    public void process(Record<String, PendingPrompt> record) {
        pending.put(record.key(), record.value());
        enqueue(record.key(), record.value());
        dispatchReady();
        awaitCapacity();
    }

    /**
     * The punctuator: answers first (they free permits), then ready requests, then partial
     * batches that are due. Partial batches are sent only here, so the records of one poll
     * fill a batch together before the policy looks at it. While requests queue for the
     * per-minute quota they keep filling longer (see {@link OpenBatches}): the quota buys full
     * batches.
     */
    private void onTick(long wallClockMillis) {
        BackpressureBudget.ofThisThread().refill();
        drainCompletions();
        dispatchReady();
        boolean quotaBound = dispatcher.quotaBound();
        while (openBatches.hasDue(wallClockMillis, quotaBound) && dispatcher.tryAcquire()) {
            dispatch(openBatches.pollDue(wallClockMillis, quotaBound));
        }
    }

    @Override
    public void close() {
        open = false;
        // Answers not yet drained are dropped here: their entries stay in the store, and the
        // next owner of this partition dispatches them again. A graceful stop drains first
        // (GeminiDispatcher.awaitIdle), so this is the crash-or-rebalance path.
        if (inFlight > 0 || openBatches.size() > 0) {
            log.info("Task {} closing with {} requests in flight and {} items not dispatched; they stay pending",
                    context.taskId(), inFlight, openBatches.size());
        }
        for (int i = 0; i < inFlight; i++) {
            dispatcher.release();
        }
        inFlight = 0;
    }

    private void redispatchPending() {
        int count = 0;
        try (KeyValueIterator<String, PendingPrompt> entries = pending.all()) {
            while (entries.hasNext()) {
                var entry = entries.next();
                enqueue(entry.key, entry.value);
                count++;
            }
        }
        if (count > 0) {
            log.info("Task {}: re-dispatching {} prompts left pending by an earlier run", context.taskId(), count);
        }
    }

    private void enqueue(String storeKey, PendingPrompt prompt) {
        long now = context.currentSystemTimeMs();
        long age = now - prompt.source().timestamp();
        for (Task task : prompt.remaining()) {
            BatchKey key = new BatchKey(task, modelFor(task, prompt));
            openBatches.add(key, new BatchItem(storeKey, prompt.request().prompt(), prompt.request().system()), now, age);
        }
    }

    private String modelFor(Task task, PendingPrompt prompt) {
        if (prompt.request().model() != null) {
            return prompt.request().model();
        }
        return task == Task.EMBED ? config.gemini().embedModel() : config.gemini().generateModel();
    }

    private void dispatchReady() {
        while (openBatches.readyCount() > 0 && dispatcher.tryAcquire()) {
            dispatch(openBatches.pollReady());
        }
    }

    private void dispatch(Batch batch) {
        inFlight++;
        dispatcher.metrics().batchDispatched(batch.key().task().wireName(), batch.items().size());
        long started = System.nanoTime();
        CompletableFuture<? extends Attempted<?>> call = batch.key().task() == Task.EMBED
                ? dispatcher.calls().embed(embedRequest(batch), () -> open)
                : dispatcher.calls().generate(generateRequest(batch), () -> open);
        call.whenComplete((answer, failure) -> completions.add(new Completion(batch, answer, unwrap(failure),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
    }

    private EmbedRequest embedRequest(Batch batch) {
        var gemini = config.gemini();
        List<String> texts = batch.items().stream().map(BatchItem::text).toList();
        return new EmbedRequest(batch.key().model(), texts, gemini.embedDimensions(), gemini.embedTaskType().orElse(null));
    }

    private static GenerateRequest generateRequest(Batch batch) {
        BatchItem item = batch.items().get(0);
        return new GenerateRequest(batch.key().model(), item.text(), item.system());
    }

    /**
     * Waits while this task has max.in.flight requests outstanding and can still make progress,
     * but never longer than {@link #BACKPRESSURE_SLICE} per record nor than what is left of the
     * thread's {@link BackpressureBudget} for this round. The permits are shared by
     * every task of the instance and only a task's own completions can be drained here: a
     * longer wait would starve the other tasks (whose completions release permits only in
     * their own punctuators) and keep this thread's transaction open past
     * {@code transaction.timeout.ms}, which fences the producer and redoes the work. Short
     * slices still slow the intake to the pace of the answers.
     */
    private void awaitCapacity() {
        BackpressureBudget budget = BackpressureBudget.ofThisThread();
        long started = System.nanoTime();
        long deadline = started + Math.min(BACKPRESSURE_SLICE.toNanos(), budget.leftNanos());
        try {
            waitForCapacityUntil(deadline);
        } finally {
            budget.spend(System.nanoTime() - started);
        }
    }

    private void waitForCapacityUntil(long deadlineNanos) {
        while (inFlight + openBatches.readyCount() >= dispatcher.concurrencyLimit() && inFlight > 0) {
            long remaining = deadlineNanos - System.nanoTime();
            if (remaining <= 0) {
                backpressureLog.info("Task {}: backpressure, {} requests in flight and {} batches waiting for a permit",
                        context.taskId(), inFlight, openBatches.readyCount());
                return;
            }
            try {
                Completion completion = completions.poll(remaining, TimeUnit.NANOSECONDS);
                if (completion != null) {
                    handle(completion);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            drainCompletions();
            dispatchReady();
        }
    }

    private void drainCompletions() {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            handle(completion);
        }
    }

    private void handle(Completion completion) {
        inFlight--;
        dispatcher.release();
        Batch batch = completion.batch();
        if (completion.failure() != null) {
            if (isolatable(batch, completion.failure())) {
                // The API rejects a whole batch for one bad text: halve it until the bad one stands
                // alone. A batch larger than this instance's quota share is halved until it fits.
                openBatches.retryFirst(batch.split());
                return;
            }
            batch.items().forEach(item -> forwardFailure(batch.key().task(), item, completion.failure()));
            return;
        }
        if (batch.key().task() == Task.EMBED) {
            forwardEmbeddings(batch, completion);
        } else {
            @SuppressWarnings("unchecked")
            Attempted<GenerateResult> answer = (Attempted<GenerateResult>) completion.answer();
            finish(batch.items().get(0), Task.GENERATE, prompt -> OutputRecords.response(prompt, batch.key().model(),
                    answer, completion.latencyMs(), context.currentSystemTimeMs()), TopicRole.RESPONSES);
        }
    }

    private void forwardEmbeddings(Batch batch, Completion completion) {
        @SuppressWarnings("unchecked")
        Attempted<EmbedResult> answer = (Attempted<EmbedResult>) completion.answer();
        List<float[]> vectors = answer.value().vectors();
        if (vectors.size() != batch.items().size()) {
            IllegalStateException mismatch = new IllegalStateException("Gemini returned " + vectors.size()
                    + " embeddings for " + batch.items().size() + " texts");
            batch.items().forEach(item -> forwardFailure(Task.EMBED, item, mismatch));
            return;
        }
        for (int i = 0; i < vectors.size(); i++) {
            float[] values = vectors.get(i);
            finish(batch.items().get(i), Task.EMBED, prompt -> OutputRecords.embedding(prompt, batch.key().model(),
                    values, answer.attempts(), completion.latencyMs(), context.currentSystemTimeMs()),
                    TopicRole.EMBEDDINGS);
        }
    }

    private void forwardFailure(Task task, BatchItem item, Throwable failure) {
        DeadLetterHeaders.Stage stage = task == Task.EMBED ? DeadLetterHeaders.Stage.EMBED : DeadLetterHeaders.Stage.GENERATE;
        finish(item, task, prompt -> {
            deadLetterLog.warn("Dead-lettered {} of prompt {} ({}): {}", task.wireName(), prompt.request().id(),
                    prompt.source().asKey(), failure.getMessage());
            dispatcher.metrics().deadLettered(stage.wireName());
            return OutputRecords.deadLetter(prompt, stage, failure, context.currentSystemTimeMs());
        }, TopicRole.DEAD_LETTER);
    }

    /** Forwards one task's output and removes that task from the pending entry, in one step. */
    private void finish(BatchItem item, Task task, java.util.function.Function<PendingPrompt, Record<byte[], byte[]>> output,
                        TopicRole role) {
        PendingPrompt prompt = pending.get(item.storeKey());
        if (prompt == null || !prompt.remaining().contains(task)) {
            return;
        }
        context.forward(output.apply(prompt), outputs.sink(role));
        dispatcher.metrics().outputWritten(role.yamlKey());
        PendingPrompt rest = prompt.without(task, role == TopicRole.DEAD_LETTER);
        if (rest.remaining().isEmpty()) {
            pending.delete(item.storeKey());
            if (rest.request().job() != null) {
                context.forward(new JobEvent(rest.request().job(), rest.request().jobSize(), rest.failed(),
                        rest.source().timestamp(), context.currentSystemTimeMs()).toRecord(), outputs.sink(TopicRole.JOB_EVENTS));
            }
        } else {
            pending.put(item.storeKey(), rest);
        }
    }

    private static boolean isolatable(Batch batch, Throwable failure) {
        if (batch.items().size() < 2 || batch.key().task() != Task.EMBED) {
            return false;
        }
        Throwable cause = failure instanceof GeminiCallFailedException failed ? failed.failure() : failure;
        return cause instanceof GeminiException gemini && (gemini.httpStatus() == 400 || gemini.largerThanQuota());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

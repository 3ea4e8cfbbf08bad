package io.github.geministreams.topology.batchjob;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.BatchGenerateItem;
import io.github.geministreams.gemini.BatchItemResult;
import io.github.geministreams.gemini.BatchJob;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.model.Mode;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.support.Sha256;
import io.github.geministreams.topology.online.TaskModel;
import io.github.geministreams.topology.output.Outcomes;
import io.github.geministreams.topology.store.PendingStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-mode prompts of one task incarnation, from collection to their outputs: collects
 * them per task and model ({@link BatchJobCollector}), writes each job's intent, creates the job
 * at the Gemini Batch API once the intent has committed, polls it with backoff, and forwards
 * its answers ({@link Outcomes}) in the transaction that deletes its record.
 *
 * <p><b>A prompt is never submitted in two jobs</b> (with exactly_once_v2):
 * <ul>
 *   <li>a task's prompt is in at most one intent: {@link #owned} holds every prompt of a
 *       collection or of a job, and is rebuilt from the committed job records when a task opens;</li>
 *   <li>a job is created only after its intent has committed: the intent is forwarded to the
 *       batch-jobs topic in the same transaction as the store write, and the job is created once
 *       the intent is read back from that topic's global store, which reads committed records only.
 *       An intent whose transaction aborted is never read back, never created, and its prompts
 *       are collected again by the next incarnation;</li>
 *   <li>an intent that may already have been created (one found when the task opens, after a
 *       crash, a restart or a rebalance, or one whose create call failed without an answer) is
 *       looked up by its display name first, and only created when the lookup finds nothing. The
 *       lookup waits {@link #lookupDelayMillis} (two request timeouts) so that a create call a
 *       previous owner still had on the wire has landed or died.</li>
 * </ul>
 * A job's display name is derived from its task and first prompt, which no other job of the
 * application can hold.
 *
 * <p><b>Threading.</b> Every method on the task's stream thread. The client's callbacks only
 * queue work, which {@link #tick} runs on the stream thread; after {@link #close} they are dropped.
 */
public final class TaskBatchJobs {
    private static final Logger log = LoggerFactory.getLogger(TaskBatchJobs.class);
    /** The API accepts 20 MB per create request; the rest is room for JSON overhead. */
    static final long MAX_JOB_BYTES = 16L * 1024 * 1024;
    private static final int MAX_DISPLAY_NAME = 128;

    private final PendingStore pending;
    private final KeyValueStore<String, BatchJobRecord> store;
    private final Function<String, BatchJobRecord> committed;
    private final GeminiBatchClient client;
    private final AppConfig.GeminiSettings gemini;
    private final AppConfig.BatchModeSettings settings;
    private final BatchJobEnding ending;
    private final Consumer<BatchJobRecord> publish;
    private final Consumer<String> sendOnline;
    private final BatchJobActivity activity;
    private final String namePrefix;
    private final long lookupDelayMillis;
    private final BatchJobCollector collector;
    private final Queue<LongConsumer> callbacks = new ConcurrentLinkedQueue<>();
    /** Store key → the tasks of that prompt collected or in a job. */
    private final Map<String, Set<Task>> owned = new HashMap<>();
    private final Map<String, Tracked> jobs = new LinkedHashMap<>();
    private volatile boolean closed;

    /** One job this incarnation looks after; calls to the API are made one at a time. */
    private static final class Tracked {
        BatchJobRecord record;
        boolean callInFlight;
        long nextCallMillis;
        long pollDelayMillis;
        /** The job may exist already: look it up before creating it. */
        boolean mayExist;
        /** The intent was found committed (restored from the store, or read back from the topic). */
        boolean confirmed;
        boolean cancelRequested;

        Tracked(BatchJobRecord record) {
            this.record = record;
        }
    }

    /**
     * @param committed  the batch-jobs global store: a record there has committed
     * @param publish    forwards a record to the batch-jobs topic (in the current transaction)
     * @param sendOnline hands a prompt whose job failed to the online path (gemini.batch.on.failure=online)
     * @param namePrefix {@code gs-<application.id>-}
     */
    public TaskBatchJobs(PendingStore pending, KeyValueStore<String, BatchJobRecord> store,
                         Function<String, BatchJobRecord> committed, GeminiBatchClient client,
                         AppConfig.GeminiSettings gemini, AppConfig.BatchModeSettings settings,
                         Outcomes outcomes, Consumer<BatchJobRecord> publish, Consumer<String> sendOnline,
                         BatchJobActivity activity, String namePrefix) {
        this.pending = pending;
        this.store = store;
        this.committed = committed;
        this.client = client;
        this.gemini = gemini;
        this.settings = settings;
        this.ending = new BatchJobEnding(pending, outcomes, settings.onFailure());
        this.publish = publish;
        this.sendOnline = sendOnline;
        this.activity = activity;
        this.namePrefix = namePrefix;
        this.lookupDelayMillis = 2 * gemini.requestTimeout().toMillis();
        this.collector = new BatchJobCollector(settings.maxPrompts(), MAX_JOB_BYTES, settings.maxWait().toMillis());
    }

    /** Takes up the jobs of the store: committed, so safe to create, but maybe created already. */
    public void resume(long nowMillis) {
        try (KeyValueIterator<String, BatchJobRecord> records = store.all()) {
            while (records.hasNext()) {
                BatchJobRecord record = records.next().value;
                Tracked job = new Tracked(record);
                job.confirmed = true;
                job.mayExist = record.isIntent();
                job.nextCallMillis = record.isIntent() ? nowMillis + lookupDelayMillis : nowMillis;
                job.pollDelayMillis = settings.pollInitial().toMillis();
                jobs.put(record.displayName(), job);
                own(record.items(), record.taskValue());
            }
        }
        if (!jobs.isEmpty()) {
            log.info("Resumed {} Gemini batch jobs of this task ({} prompts)", jobs.size(), owned.size());
        }
    }

    /**
     * The tasks of {@code prompt} the online path should send: its remaining tasks that are in
     * no batch collection or job. A batch-mode prompt's other tasks are collected here, so none
     * of its tasks goes online.
     */
    public Set<Task> onlineTasks(String storeKey, PendingPrompt prompt, long nowMillis) {
        Set<Task> free = EnumSet.noneOf(Task.class);
        free.addAll(prompt.remaining());
        free.removeAll(owned.getOrDefault(storeKey, Set.of()));
        if (prompt.request().mode() != Mode.BATCH || free.isEmpty()) {
            return free;
        }
        for (Task task : free) {
            collector.add(TaskModel.of(task, prompt.request(), gemini), storeKey,
                    prompt.originalValue() == null ? 0 : prompt.originalValue().length, nowMillis);
        }
        own(List.of(storeKey), free);
        return Set.of();
    }

    /** Runs the answers received, writes the intents that are due, and makes the calls that are due. */
    public void tick(long nowMillis) {
        LongConsumer callback;
        while ((callback = callbacks.poll()) != null) {
            callback.accept(nowMillis);
        }
        for (BatchJobCollector.Cut cut : collector.cutDue(nowMillis)) {
            writeIntent(cut, nowMillis);
        }
        for (Tracked job : List.copyOf(jobs.values())) {
            if (!job.callInFlight && nowMillis >= job.nextCallMillis) {
                act(job, nowMillis);
            }
        }
        activity.update(collector.size() + inJobs(), jobsCreated(), oldestMillis());
    }

    /** Callbacks still to come are dropped: the next incarnation or owner takes the jobs up from the store. */
    public void close() {
        closed = true;
        activity.close();
    }

    /** Prompts in batch mode not answered yet: collected or in a job. */
    public int waiting() {
        return collector.size() + inJobs();
    }

    private void writeIntent(BatchJobCollector.Cut cut, long nowMillis) {
        Task task = cut.key().task();
        String displayName = displayName(task, cut.storeKeys().get(0));
        BatchJobRecord intent = BatchJobRecord.intent(displayName, task, cut.key().model(), cut.storeKeys(), nowMillis);
        Tracked job = new Tracked(intent);
        update(job, intent);
        job.pollDelayMillis = settings.pollInitial().toMillis();
        jobs.put(displayName, job);
    }

    private void act(Tracked job, long nowMillis) {
        BatchJobRecord record = job.record;
        if (record.isIntent()) {
            if (job.mayExist) {
                lookUp(job);
            } else if (job.confirmed || committed.apply(record.displayName()) != null) {
                job.confirmed = true;
                create(job);
            }
            return;
        }
        if (!job.cancelRequested && nowMillis - record.submittedAt() >= settings.timeout().toMillis()) {
            cancel(job);
            return;
        }
        poll(job);
    }

    private void lookUp(Tracked job) {
        call(job, client.findByDisplayName(job.record.displayName()), (found, now) -> {
            job.mayExist = false;
            if (found.isPresent()) {
                log.info("Batch job {} exists already as {}: resuming it", job.record.displayName(), found.get().name());
                adopt(job, found.get(), now);
            } else {
                job.nextCallMillis = now;
            }
        }, (failure, now) -> retryLater(job, now, "look up", failure));
    }

    private void create(Tracked job) {
        BatchJobRecord record = job.record;
        CompletableFuture<BatchJob> created = record.taskValue() == Task.EMBED
                ? client.createEmbed(record.displayName(), embedRequest(record))
                : client.createGenerate(record.displayName(), record.model(), generateItems(record));
        call(job, created, (batchJob, now) -> {
            log.info("Created Gemini batch job {} ({}) with {} prompts", batchJob.name(), record.displayName(),
                    record.prompts());
            activity.created();
            adopt(job, batchJob, now);
        }, (failure, now) -> {
            GeminiException gemini = failure instanceof GeminiException e ? e : null;
            if (gemini != null && gemini.httpStatus() >= 400 && gemini.httpStatus() < 500 && !gemini.retryable()) {
                // The API refused the request itself: no job exists, and the same request would be refused again.
                end(job, BatchJobState.FAILED, List.of(), "the Batch API refused to create the job: "
                        + failure.getMessage(), now);
                return;
            }
            // No answer, or a transient one: the job may exist. Look before creating it again.
            job.mayExist = true;
            retryLater(job, now, "create", failure);
        });
    }

    private void poll(Tracked job) {
        call(job, client.get(job.record.name()), (batchJob, now) -> {
            if (batchJob.state().finished()) {
                end(job, batchJob.state(), batchJob.results(), batchJob.error(), now);
                return;
            }
            if (!batchJob.state().name().equals(job.record.state())) {
                update(job, job.record.at(job.record.name(), batchJob.state(), now));
            }
            job.nextCallMillis = now + job.pollDelayMillis;
            job.pollDelayMillis = Math.min(2 * job.pollDelayMillis, settings.pollMax().toMillis());
        }, (failure, now) -> {
            if (failure instanceof GeminiException gemini && gemini.httpStatus() == 404) {
                // Deleted at the API (by hand, or after its retention): no answer will ever come.
                end(job, BatchJobState.FAILED, List.of(), "the job no longer exists at the Batch API: "
                        + failure.getMessage(), now);
                return;
            }
            retryLater(job, now, "poll", failure);
        });
    }

    private void cancel(Tracked job) {
        log.warn("Batch job {} ({}) has not finished within gemini.batch.timeout={}: cancelling it",
                job.record.name(), job.record.displayName(), settings.timeout());
        job.cancelRequested = true;
        // Either way the job is polled next: it shows CANCELLED, or the state it ended in before the cancel.
        call(job, client.cancel(job.record.name()), (ignored, now) -> job.nextCallMillis = now,
                (failure, now) -> retryLater(job, now, "cancel", failure));
    }

    /** The job exists at the API: record its name and state, and poll it. */
    private void adopt(Tracked job, BatchJob batchJob, long nowMillis) {
        update(job, job.record.at(batchJob.name(), batchJob.state(), nowMillis));
        job.nextCallMillis = batchJob.state().finished() ? nowMillis : nowMillis + job.pollDelayMillis;
    }

    private void update(Tracked job, BatchJobRecord record) {
        job.record = record;
        store.put(record.displayName(), record);
        publish.accept(record);
    }

    /**
     * Forwards the outcome of every prompt of the job ({@link BatchJobEnding}) and deletes its
     * record, in one transaction; then hands the prompts that go online again to the online path.
     */
    private void end(Tracked job, BatchJobState state, List<BatchItemResult> results, String error, long nowMillis) {
        BatchJobRecord record = job.record;
        BatchJobEnding.Settled settled = ending.settle(record, state, results, error, nowMillis);
        disown(record.items(), record.taskValue());
        jobs.remove(record.displayName());
        store.delete(record.displayName());
        publish.accept(record.ended(state, settled.answered(), settled.failed(), settled.costUsd(), error, nowMillis)
                .withoutItems());
        activity.finished(state);
        log.info("Batch job {} ({}) ended {}: {} answered, {} {}", record.name(), record.displayName(), state,
                settled.answered(), settled.failed(), settled.online().isEmpty() ? "dead-lettered" : "sent online again");
        settled.online().forEach(sendOnline);
    }

    private void retryLater(Tracked job, long nowMillis, String what, Throwable failure) {
        log.warn("Could not {} batch job {} ({}); trying again in {} ms: {}", what, job.record.displayName(),
                job.record.name(), job.pollDelayMillis, failure.toString());
        job.nextCallMillis = nowMillis + Math.max(job.pollDelayMillis, job.mayExist ? lookupDelayMillis : 0);
        job.pollDelayMillis = Math.min(2 * job.pollDelayMillis, settings.pollMax().toMillis());
    }

    /** Runs an API call; its outcome is handled on the stream thread at the next tick, unless closed by then. */
    private <T> void call(Tracked job, CompletableFuture<T> future, Handler<T> onSuccess, Handler<Throwable> onFailure) {
        job.callInFlight = true;
        future.whenComplete((value, failure) -> {
            if (closed) {
                return;
            }
            callbacks.add(now -> {
                job.callInFlight = false;
                if (failure != null) {
                    onFailure.handle(unwrap(failure), now);
                } else {
                    onSuccess.handle(value, now);
                }
            });
        });
    }

    @FunctionalInterface
    private interface Handler<T> {
        void handle(T value, long nowMillis);
    }

    private List<BatchGenerateItem> generateItems(BatchJobRecord record) {
        List<BatchGenerateItem> items = new ArrayList<>(record.items().size());
        for (String storeKey : record.items()) {
            PromptRequest request = requestOf(storeKey);
            items.add(new BatchGenerateItem(storeKey, new GenerateRequest(record.model(), request.prompt(),
                    request.system(), request.parts(), request.generation())));
        }
        return items;
    }

    private EmbedRequest embedRequest(BatchJobRecord record) {
        List<String> texts = record.items().stream().map(key -> requestOf(key).prompt()).toList();
        return new EmbedRequest(record.model(), texts, gemini.embedDimensions(), gemini.embedTaskType().orElse(null));
    }

    private PromptRequest requestOf(String storeKey) {
        PendingPrompt prompt = pending.get(storeKey);
        if (prompt == null) {
            throw new IllegalStateException("prompt " + storeKey + " of a batch job is no longer pending");
        }
        return prompt.request();
    }

    /** {@code gs-<application.id>-<task>-<first prompt's store key>}, hashed when longer than the API allows. */
    private String displayName(Task task, String firstStoreKey) {
        String name = namePrefix + task.wireName() + "-" + firstStoreKey;
        if (name.length() <= MAX_DISPLAY_NAME) {
            return name;
        }
        return "gs-" + Sha256.hex(name.getBytes(StandardCharsets.UTF_8));
    }

    private void own(List<String> storeKeys, Set<Task> tasks) {
        for (String key : storeKeys) {
            owned.computeIfAbsent(key, k -> EnumSet.noneOf(Task.class)).addAll(tasks);
        }
    }

    private void own(List<String> storeKeys, Task task) {
        own(storeKeys, EnumSet.of(task));
    }

    private void disown(List<String> storeKeys, Task task) {
        for (String key : storeKeys) {
            Set<Task> tasks = owned.get(key);
            if (tasks != null) {
                tasks.remove(task);
                if (tasks.isEmpty()) {
                    owned.remove(key);
                }
            }
        }
    }

    private int inJobs() {
        return jobs.values().stream().mapToInt(job -> job.record.prompts()).sum();
    }

    private int jobsCreated() {
        return (int) jobs.values().stream().filter(job -> !job.record.isIntent()).count();
    }

    private long oldestMillis() {
        long oldest = collector.oldestMillis();
        for (Tracked job : jobs.values()) {
            oldest = Math.min(oldest, job.record.createdAt());
        }
        return oldest;
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

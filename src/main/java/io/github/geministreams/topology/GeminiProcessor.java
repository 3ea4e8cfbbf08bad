package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.Ordering;
import io.github.geministreams.cost.CostEstimator;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topics.TopicRole;
import io.github.geministreams.topology.batchjob.BatchJobRecord;
import io.github.geministreams.topology.batchjob.TaskBatchJobs;
import io.github.geministreams.topology.cache.AnswerCache;
import io.github.geministreams.topology.cache.CacheEntry;
import io.github.geministreams.topology.cache.HeldRepeats;
import io.github.geministreams.topology.online.Bundle;
import io.github.geministreams.topology.online.BundleItem;
import io.github.geministreams.topology.online.Completion;
import io.github.geministreams.topology.online.DispatchBacklog;
import io.github.geministreams.topology.online.OpenBundles;
import io.github.geministreams.topology.online.TaskDispatcher;
import io.github.geministreams.topology.output.Outcomes;
import io.github.geministreams.topology.output.OutputNames;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.PendingStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gemini stage of one stream task (one prompts partition). A prompt's way through it:
 * <ol>
 *   <li>{@link #process} writes it to the task's {@link PendingStore}, answers the tasks the
 *       {@link AnswerCache} holds at once ({@link Outcomes#settleFromCache}), and offers the rest to the
 *       {@link DispatchBacklog}, which keeps a bounded number of items in memory in
 *       {@link OpenBundles} (the rest is read back from the store later);</li>
 *   <li>a task whose cache key is already open on this instance (a repeat of a request collecting or at
 *       Gemini, in any task) waits in {@link HeldRepeats} for that answer instead of being sent;</li>
 *   <li>the {@link TaskDispatcher} sends ready bundles while the instance has request permits,
 *       and the wall-clock punctuator sends partial bundles that are due;</li>
 *   <li>each answer comes back through the dispatcher's queue on the punctuator, and
 *       {@link Outcomes} forwards it and removes it from the store in one step.</li>
 * </ol>
 *
 * <p><b>Never blocks.</b> {@code process} only writes to the store: a backlog waits on disk,
 * and the stream thread goes back to {@code poll()} at once, so rebalances and commits are
 * never held up by Gemini.
 *
 * <p><b>What survives a crash.</b> With exactly_once_v2 the outputs, the store changes and the
 * input offsets commit together, so after a crash, a rebalance or a restart the next
 * incarnation ({@link #init}) dispatches exactly the entries whose outputs were not committed:
 * no output is duplicated and none is lost. Gemini is asked again for the calls a crashed
 * instance had at Gemini; when a task moves in a rebalance, its calls still open and their
 * answers reach the next owner through the handover instead ({@link TaskDispatcher#close},
 * {@link DispatchBacklog}), unless the next owner reads an item before the handover reaches
 * it or the answer comes later than a request timeout.
 *
 * <p><b>Reuse.</b> Kafka Streams may call {@code init} again after {@code close} (a task
 * revived after corruption, a suspended task resumed). Everything an incarnation owns is
 * made in {@code init} and let go in {@code close}; nothing carries over.
 *
 * <p><b>Threading.</b> All of it on the task's stream thread, except Gemini's callbacks
 * (see {@link TaskDispatcher}).
 */
final class GeminiProcessor implements Processor<String, PendingPrompt, byte[], byte[]> {
    private static final Logger log = LoggerFactory.getLogger(GeminiProcessor.class);
    /** Items in memory, not yet dispatched, per task: this many embed bundles of the configured size. */
    static final int BUNDLES_IN_MEMORY = 2;

    private final AppConfig config;
    private final InstanceServices services;
    private final String storeName;
    private final String handoverStoreName;
    private final String batchJobStoreName;
    private final String committedBatchJobsStoreName;
    private final String cacheStoreName;
    private final OutputNames outputs;
    private ProcessorContext<byte[], byte[]> context;
    private PendingStore store;
    private DispatchBacklog backlog;
    private TaskDispatcher dispatcher;
    private Outcomes outcomes;
    private TaskBatchJobs batchJobs;
    private HeldRepeats repeats;
    private Cancellable punctuator;

    /**
     * @param handoverStoreName the global store of the handover topic, or null when the
     *                          topology has none (then a moved task calls Gemini again)
     * @param batchJobStoreName  this task's store of batch jobs
     * @param committedBatchJobsStoreName the global store of the batch-jobs topic: the intents that have committed
     * @param cacheStoreName    the global store of the answer cache, or null when the cache is off
     */
    GeminiProcessor(AppConfig config, InstanceServices services, String storeName, String handoverStoreName,
                    String batchJobStoreName, String committedBatchJobsStoreName, String cacheStoreName,
                    OutputNames outputs) {
        this.config = config;
        this.services = services;
        this.storeName = storeName;
        this.handoverStoreName = handoverStoreName;
        this.batchJobStoreName = batchJobStoreName;
        this.committedBatchJobsStoreName = committedBatchJobsStoreName;
        this.cacheStoreName = cacheStoreName;
        this.outputs = outputs;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.store = new PendingStore(context.getStateStore(storeName));
        AppConfig.EmbedBundleSettings embed = config.pipeline().embedBundle();
        OpenBundles bundles = new OpenBundles(embed, () -> services.pacing().largestEmbedRequest(embed.size()));
        AnswerCache cache = new AnswerCache(config.cache(), config.gemini(),
                cacheStoreName == null ? null : context.getStateStore(cacheStoreName),
                config.pipeline().ordering() == Ordering.KEY, services.metrics());
        this.outcomes = new Outcomes(context, store, outputs, services.metrics(), cache,
                new CostEstimator(config.prices()));
        KeyValueStore<String, BatchJobRecord> committedJobs = context.getStateStore(committedBatchJobsStoreName);
        this.batchJobs = new TaskBatchJobs(store, context.getStateStore(batchJobStoreName), committedJobs::get,
                services.batchClient(), config.gemini(), config.batchMode(), outcomes, this::publishBatchJob,
                key -> backlog.offer(key, store.get(key), context.currentSystemTimeMs()),
                services.batchJobBoard().activity(), "gs-" + context.applicationId() + "-");
        Function<String, HandoverEntry> handover = handoverLookup(context);
        long requestTimeout = config.gemini().requestTimeout().toMillis();
        int memoryLimit = BUNDLES_IN_MEMORY * embed.size();
        this.repeats = new HeldRepeats(batchJobs::onlineTasks, services.openCacheKeys(), cache, config.gemini(), handover,
                requestTimeout, memoryLimit);
        this.backlog = new DispatchBacklog(store, bundles, memoryLimit, config.gemini(),
                handover, requestTimeout, config.pipeline().ordering() == Ordering.KEY, repeats);
        this.dispatcher = new TaskDispatcher(services.pacing(), services.metrics(), services::handover, config.gemini());
        batchJobs.resume(context.currentSystemTimeMs());
        backlog.resumeStored();
        services.pacing().taskOpened();
        punctuator = context.schedule(config.pipeline().punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    private void publishBatchJob(BatchJobRecord job) {
        context.forward(new Record<>(job.displayName().getBytes(StandardCharsets.UTF_8), Json.toBytes(job.withoutItems()),
                context.currentSystemTimeMs()), outputs.sink(TopicRole.BATCH_JOBS));
    }

    private Function<String, HandoverEntry> handoverLookup(ProcessorContext<byte[], byte[]> context) {
        if (handoverStoreName == null) {
            return key -> null;
        }
        KeyValueStore<String, HandoverEntry> handover = context.getStateStore(handoverStoreName);
        return handover::get;
    }

    @Override
    public void process(Record<String, PendingPrompt> record) {
        // The parser keys each prompt with its pending-store key (PendingStore.keyOf).
        store.put(record.key(), record.value());
        PendingPrompt rest = outcomes.settleFromCache(record.key(), record.value());
        if (rest != null) {
            backlog.offer(record.key(), rest, context.currentSystemTimeMs());
        }
        dispatchReady();
        repeats.writeMarkers(repeatOutlet);
    }

    /**
     * The punctuator: answers first (they free permits), then ready requests, then partial
     * bundles that are due. Partial bundles are sent only here, so the records of one poll
     * fill a bundle together before the policy looks at it. While requests queue for the
     * per-minute quota they keep filling longer (see {@link OpenBundles}): the quota buys full
     * bundles.
     */
    private void onTick(long wallClockMillis) {
        repeats.writeMarkers(repeatOutlet);
        dispatcher.drain(this::settle);
        repeats.tick(wallClockMillis, repeatOutlet);
        batchJobs.tick(wallClockMillis);
        backlog.recheckHandover(wallClockMillis);
        boolean permitsLeft = dispatchReady();
        for (DispatchBacklog.HandedOver handedOver : backlog.takeHandedOver()) {
            outcomes.settle(handedOver);
            repeats.settled(handedOver.item(), handedOver.task(), handedOver.answer(), wallClockMillis);
            backlog.released(handedOver.item(), wallClockMillis);
        }
        if (!permitsLeft) {
            return;
        }
        boolean quotaBound = services.pacing().quotaBound();
        while (backlog.hasDue(wallClockMillis, quotaBound) && dispatcher.tryAcquire()) {
            dispatcher.send(backlog.pollDue(wallClockMillis, quotaBound));
        }
    }

    private void settle(Completion completion) {
        List<Bundle> halves = outcomes.settle(completion);
        if (halves.isEmpty()) {
            long now = context.currentSystemTimeMs();
            repeats.settled(completion, now);
            completion.bundle().items().forEach(item -> backlog.released(item, now));
        } else {
            backlog.retryFirst(halves);
        }
    }

    /** Where the repeats held for an answer in flight go when their wait ends. */
    private final HeldRepeats.Outlet repeatOutlet = new HeldRepeats.Outlet() {
        @Override
        public void answer(BundleItem item, Task task, CacheEntry answer, boolean inFlight) {
            if (!outcomes.answerFromCache(item, task, answer)) {
                return;
            }
            if (inFlight) {
                services.metrics().repeatAnsweredInFlight(task.wireName());
            } else {
                services.metrics().cacheHit(task.wireName());
            }
        }

        @Override
        public void send(String storeKey, Task task) {
            backlog.sendHeldBack(storeKey, task, context.currentSystemTimeMs());
        }

        @Override
        public void mark(Record<byte[], byte[]> marker) {
            context.forward(marker, outputs.sink(TopicRole.CACHE));
        }
    };

    /**
     * Sends ready bundles while permits last, reading stored prompts into memory as room frees up.
     *
     * @return false when it stopped for want of a permit
     */
    private boolean dispatchReady() {
        long now = context.currentSystemTimeMs();
        do {
            while (backlog.readyCount() > 0) {
                if (!dispatcher.tryAcquire()) {
                    return false;
                }
                dispatcher.send(backlog.pollReady());
            }
        } while (backlog.refill(now));
        return true;
    }

    @Override
    public void close() {
        if (dispatcher == null) {
            return;
        }
        punctuator.cancel();
        int inFlight = dispatcher.requestsInFlight();
        if (inFlight > 0 || backlog.inMemory() > 0 || backlog.spilled()) {
            log.info("Task {} closing with {} requests in flight and {} items in memory not dispatched{}; they stay pending",
                    context.taskId(), inFlight, backlog.inMemory(), backlog.spilled() ? " (and more in the store)" : "");
        }
        // The wall clock now, not the context's: it may be seconds old after a slow commit.
        dispatcher.close(System.currentTimeMillis(), config.gemini().requestTimeout().toMillis());
        int batchWaiting = batchJobs.waiting();
        if (batchWaiting > 0) {
            log.info("Task {} closing with {} batch-mode prompts in jobs or collected; the next owner takes them up",
                    context.taskId(), batchWaiting);
        }
        batchJobs.close();
        repeats.close();
        services.pacing().taskClosed();
    }
}

package io.github.geministreams.simulator;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the simulator has seen and answered, for tests and benchmarks. Every request is
 * counted, rejected ones included, by the kind of answer it got. Thread-safe; a
 * {@link #snapshot()} is consistent per counter, not across counters.
 */
public final class SimulatorCounters {
    private final LongAdder generateRequests = new LongAdder();
    private final LongAdder batchEmbedRequests = new LongAdder();
    private final LongAdder promptsGenerated = new LongAdder();
    private final LongAdder safetyBlocks = new LongAdder();
    private final LongAdder itemsEmbedded = new LongAdder();
    private final LongAdder quota429s = new LongAdder();
    private final LongAdder dailyQuota429s = new LongAdder();
    private final LongAdder injected429s = new LongAdder();
    private final LongAdder errors500 = new LongAdder();
    private final LongAdder errors503 = new LongAdder();
    private final LongAdder errors400 = new LongAdder();
    private final LongAdder repeatedPrompts = new LongAdder();
    private final LongAdder repeatedEmbedTexts = new LongAdder();
    private final LongAdder batchJobsCreated = new LongAdder();
    private final LongAdder batchRequestsSubmitted = new LongAdder();
    private final LongAdder batchRequestsSubmittedTwice = new LongAdder();
    private final LongAdder batchGets = new LongAdder();
    private final LongAdder batchLists = new LongAdder();
    private final LongAdder batchCancels = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger itemsInFlight = new AtomicInteger();
    private final AtomicInteger maxConcurrent = new AtomicInteger();
    private final Map<String, LongAdder> requestsByPath = new ConcurrentHashMap<>();
    private final Set<String> promptsSeen = ConcurrentHashMap.newKeySet();
    private final Set<String> embedTextsSeen = ConcurrentHashMap.newKeySet();
    /** Each batch request key, with the first job it was submitted in. */
    private final Map<String, String> batchKeyJobs = new ConcurrentHashMap<>();

    /**
     * Everything counted so far.
     *
     * @param batchJobsCreated            Batch API jobs created
     * @param batchRequestsSubmitted      requests in them
     * @param batchRequestsSubmittedTwice requests whose key (the metadata {@code key} of a generate
     *                                    request, else its text) was already in another job: one per
     *                                    job after the first
     * @param batchGets                   {@code batches.get} calls
     * @param batchLists                  {@code batches.list} calls (one per page)
     * @param batchCancels                {@code batches.cancel} calls
     */
    public record Snapshot(long generateRequests, long batchEmbedRequests, long promptsGenerated, long safetyBlocks,
                           long itemsEmbedded, long quota429s, long dailyQuota429s, long injected429s, long errors500,
                           long errors503, long errors400, long maxConcurrent, long repeatedPrompts,
                           long repeatedEmbedTexts, long batchJobsCreated, long batchRequestsSubmitted,
                           long batchRequestsSubmittedTwice, long batchGets, long batchLists, long batchCancels,
                           Map<String, Long> requestsByPath) {
        public long total429s() {
            return quota429s + dailyQuota429s + injected429s;
        }

        /** Prompts or texts answered more than once: Gemini calls repeated. */
        public long repeatedItems() {
            return repeatedPrompts + repeatedEmbedTexts;
        }
    }

    public Snapshot snapshot() {
        Map<String, Long> paths = new TreeMap<>();
        requestsByPath.forEach((path, count) -> paths.put(path, count.sum()));
        return new Snapshot(generateRequests.sum(), batchEmbedRequests.sum(), promptsGenerated.sum(),
                safetyBlocks.sum(), itemsEmbedded.sum(), quota429s.sum(), dailyQuota429s.sum(), injected429s.sum(),
                errors500.sum(), errors503.sum(), errors400.sum(), maxConcurrent.get(), repeatedPrompts.sum(),
                repeatedEmbedTexts.sum(), batchJobsCreated.sum(), batchRequestsSubmitted.sum(),
                batchRequestsSubmittedTwice.sum(), batchGets.sum(), batchLists.sum(), batchCancels.sum(), paths);
    }

    void requestStarted(String path) {
        requestsByPath.computeIfAbsent(path, key -> new LongAdder()).increment();
        maxConcurrent.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void requestFinished() {
        inFlight.decrementAndGet();
    }

    void itemsAdmitted(int items) {
        itemsInFlight.addAndGet(items);
    }

    void itemsAnswered(int items) {
        itemsInFlight.addAndGet(-items);
    }

    /**
     * Prompts and texts of the requests admitted and not answered yet: what a client that
     * dies now has paid for and will never see.
     */
    public int itemsInFlight() {
        return itemsInFlight.get();
    }

    void generateRequest() {
        generateRequests.increment();
    }

    void batchEmbedRequest() {
        batchEmbedRequests.increment();
    }

    void generated(String prompt, boolean blocked) {
        promptsGenerated.increment();
        if (blocked) {
            safetyBlocks.increment();
        }
        if (!promptsSeen.add(prompt)) {
            repeatedPrompts.increment();
        }
    }

    void embedded(String text) {
        itemsEmbedded.increment();
        if (!embedTextsSeen.add(text)) {
            repeatedEmbedTexts.increment();
        }
    }

    /** A Batch API job was created with requests of these keys, in order. */
    void batchJobCreated(String job, List<String> keys) {
        batchJobsCreated.increment();
        batchRequestsSubmitted.add(keys.size());
        for (String key : new LinkedHashSet<>(keys)) {
            String first = batchKeyJobs.putIfAbsent(key, job);
            if (first != null && !first.equals(job)) {
                batchRequestsSubmittedTwice.increment();
            }
        }
    }

    /**
     * Batch requests whose key was already in another job: the same prompt paid for twice. A
     * client that never resubmits keeps it at 0.
     */
    public long batchRequestsSubmittedTwice() {
        return batchRequestsSubmittedTwice.sum();
    }

    /** Batch API jobs created so far. */
    public long batchJobsCreated() {
        return batchJobsCreated.sum();
    }

    void batchGet() {
        batchGets.increment();
    }

    void batchList() {
        batchLists.increment();
    }

    void batchCancel() {
        batchCancels.increment();
    }

    void rejected(int status, Rejection kind) {
        switch (kind) {
            case QUOTA -> quota429s.increment();
            case DAILY_QUOTA -> dailyQuota429s.increment();
            case INJECTED_429 -> injected429s.increment();
            case OTHER -> {
                switch (status) {
                    case 500 -> errors500.increment();
                    case 503 -> errors503.increment();
                    case 400 -> errors400.increment();
                    default -> {
                        // 401/404 and the like are visible in requestsByPath only.
                    }
                }
            }
        }
    }

    /** Why a request was answered with an error. */
    enum Rejection { QUOTA, DAILY_QUOTA, INJECTED_429, OTHER }

    void reset() {
        for (LongAdder adder : new LongAdder[] {generateRequests, batchEmbedRequests, promptsGenerated, safetyBlocks,
                itemsEmbedded, quota429s, dailyQuota429s, injected429s, errors500, errors503, errors400,
                repeatedPrompts, repeatedEmbedTexts, batchJobsCreated, batchRequestsSubmitted,
                batchRequestsSubmittedTwice, batchGets, batchLists, batchCancels}) {
            adder.reset();
        }
        maxConcurrent.set(inFlight.get());
        requestsByPath.clear();
        promptsSeen.clear();
        embedTextsSeen.clear();
        batchKeyJobs.clear();
    }
}

package io.github.geministreams.testing;

import io.github.geministreams.gemini.BatchGenerateItem;
import io.github.geministreams.gemini.BatchItemResult;
import io.github.geministreams.gemini.BatchJob;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.simulator.DeterministicEmbedding;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * An in-memory Gemini Batch API for unit tests. Jobs stay {@link BatchJobState#RUNNING} until
 * the test ends them ({@link #succeedAll}, {@link #endAll}); a generate request answers
 * {@code "batch answer: " + prompt}, an embed request the simulator's deterministic vector.
 * It counts every request submitted per key (its metadata key, else its text), so a test can
 * see a prompt submitted twice. Answers on a thread of its own, as the real client does.
 * Thread-safe.
 */
public final class FakeBatchClient implements GeminiBatchClient {
    private final ExecutorService answers = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-batch");
        thread.setDaemon(true);
        return thread;
    });
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, Integer> submissions = new HashMap<>();
    private int creates;
    private int lookups;
    private int cancels;
    private GeminiException nextCreateAnswer;
    private String failingText;

    private static final class Job {
        final String name;
        final String displayName;
        final List<BatchGenerateItem> generate;
        final EmbedRequest embed;
        BatchJobState state = BatchJobState.PENDING;
        String error;

        Job(String name, String displayName, List<BatchGenerateItem> generate, EmbedRequest embed) {
            this.name = name;
            this.displayName = displayName;
            this.generate = generate;
            this.embed = embed;
        }
    }

    /**
     * The next create makes its job but answers with {@code failure}, as when the answer is
     * lost on the way back: the caller cannot tell whether the job exists.
     */
    public synchronized void loseNextCreateAnswer(GeminiException failure) {
        this.nextCreateAnswer = failure;
    }

    /** Requests whose text contains {@code text} fail inside a succeeded job. */
    public synchronized void failRequestsContaining(String text) {
        this.failingText = text;
    }

    /** Every job not ended succeeds. */
    public synchronized void succeedAll() {
        endAll(BatchJobState.SUCCEEDED, null);
    }

    /** Every job not ended ends in {@code state} with {@code error}. */
    public synchronized void endAll(BatchJobState state, String error) {
        for (Job job : jobs.values()) {
            if (!job.state.finished()) {
                job.state = state;
                job.error = error;
            }
        }
    }

    public synchronized int creates() {
        return creates;
    }

    public synchronized int lookups() {
        return lookups;
    }

    public synchronized int cancels() {
        return cancels;
    }

    /** Requests submitted in more than one job (or twice in one). */
    public synchronized int submittedTwice() {
        return (int) submissions.values().stream().filter(count -> count > 1).count();
    }

    /** Requests submitted in all jobs. */
    public synchronized int submitted() {
        return submissions.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public CompletableFuture<BatchJob> createGenerate(String displayName, String model, List<BatchGenerateItem> items) {
        return answer(() -> {
            items.forEach(item -> submissions.merge(item.key(), 1, Integer::sum));
            return created(new Job("batches/" + (jobs.size() + 1), displayName, List.copyOf(items), null));
        });
    }

    @Override
    public CompletableFuture<BatchJob> createEmbed(String displayName, EmbedRequest request) {
        return answer(() -> {
            request.texts().forEach(text -> submissions.merge(text, 1, Integer::sum));
            return created(new Job("batches/" + (jobs.size() + 1), displayName, null, request));
        });
    }

    @Override
    public CompletableFuture<BatchJob> get(String name) {
        return answer(() -> {
            Job job = jobs.get(name);
            if (job == null) {
                throw GeminiException.of(404, "NOT_FOUND", name + " not found");
            }
            if (job.state == BatchJobState.PENDING) {
                job.state = BatchJobState.RUNNING;
            }
            return describe(job);
        });
    }

    @Override
    public CompletableFuture<Optional<BatchJob>> findByDisplayName(String displayName) {
        return answer(() -> {
            lookups++;
            return jobs.values().stream().filter(job -> job.displayName.equals(displayName)).findFirst()
                    .map(this::describe);
        });
    }

    @Override
    public CompletableFuture<Void> cancel(String name) {
        return answer(() -> {
            cancels++;
            Job job = jobs.get(name);
            if (!job.state.finished()) {
                job.state = BatchJobState.CANCELLED;
            }
            return null;
        });
    }

    /** Must be called holding the lock. */
    private BatchJob created(Job job) {
        creates++;
        jobs.put(job.name, job);
        if (nextCreateAnswer != null) {
            GeminiException lost = nextCreateAnswer;
            nextCreateAnswer = null;
            throw lost;
        }
        return describe(job);
    }

    private BatchJob describe(Job job) {
        return new BatchJob(job.name, job.displayName, job.state, job.error,
                job.state == BatchJobState.SUCCEEDED ? results(job) : List.of());
    }

    private List<BatchItemResult> results(Job job) {
        List<BatchItemResult> results = new ArrayList<>();
        if (job.generate != null) {
            // In reverse order: a result finds its prompt by its key, not by its place.
            for (int i = job.generate.size() - 1; i >= 0; i--) {
                BatchGenerateItem item = job.generate.get(i);
                String prompt = item.request().prompt();
                results.add(failing(prompt)
                        ? new BatchItemResult(item.key(), null, null, GeminiException.of(400, "INVALID_ARGUMENT",
                                "request failed inside the job"))
                        : new BatchItemResult(item.key(), new GenerateResult("batch answer: " + prompt, "STOP", null,
                                null, new TokenUsage(4, 3, 0, 7), job.generate.get(i).request().model()), null, null));
            }
        } else {
            for (String text : job.embed.texts()) {
                results.add(failing(text)
                        ? new BatchItemResult(null, null, null, GeminiException.of(400, "INVALID_ARGUMENT",
                                "request failed inside the job"))
                        : new BatchItemResult(null, null, DeterministicEmbedding.of(text, job.embed.dimensions()), null));
            }
        }
        return results;
    }

    private boolean failing(String text) {
        return failingText != null && text.contains(failingText);
    }

    private <T> CompletableFuture<T> answer(Supplier<T> work) {
        return CompletableFuture.supplyAsync(() -> {
            synchronized (this) {
                return work.get();
            }
        }, answers);
    }
}

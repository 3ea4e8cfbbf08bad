package io.github.geministreams.testing;

import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * An in-memory Gemini for unit tests. Answers on a thread of its own, as the real client
 * does: generate answers {@code "answer: " + prompt}; embed answers a vector per text that
 * depends only on the text and the dimensions. Failures and safety blocks are scripted.
 * Thread-safe.
 */
public final class FakeGeminiClient implements GeminiClient {
    private static final int DEFAULT_DIMENSIONS = 768;

    private final ExecutorService answers = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "fake-gemini");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger generateCalls = new AtomicInteger();
    private final AtomicInteger embedCalls = new AtomicInteger();
    private final List<EmbedRequest> embedRequests = new ArrayList<>();
    private int failuresLeft;
    private GeminiException scriptedFailure;
    private String failingText;
    private GeminiException failingTextFailure;
    private String blockedText;
    private String heldText;
    private final List<Runnable> held = new ArrayList<>();
    private final Map<String, ModelFailure> modelFailures = new HashMap<>();
    private final Map<String, Integer> generateCallsByModel = new HashMap<>();

    /** Failures scripted for one model: {@code left} more of them. */
    private static final class ModelFailure {
        int left;
        final GeminiException failure;

        ModelFailure(int left, GeminiException failure) {
            this.left = left;
            this.failure = failure;
        }
    }

    /** The next {@code count} calls, of either kind, fail with {@code failure}. */
    public synchronized void failNext(int count, GeminiException failure) {
        this.failuresLeft = count;
        this.scriptedFailure = failure;
    }

    /** Any call with a text containing {@code text} fails (an embed batch as a whole). */
    public synchronized void failWhenTextContains(String text, GeminiException failure) {
        this.failingText = text;
        this.failingTextFailure = failure;
    }

    /** The next {@code count} generate calls to {@code model} fail with {@code failure} (before any other script). */
    public synchronized void failModel(String model, int count, GeminiException failure) {
        modelFailures.put(model, new ModelFailure(count, failure));
    }

    /** Generate calls whose prompt contains {@code text} are blocked for safety. */
    public synchronized void blockWhenPromptContains(String text) {
        this.blockedText = text;
    }

    /** Generate calls whose prompt contains {@code text} are not answered until {@link #answerHeld()}. */
    public synchronized void holdWhenPromptContains(String text) {
        this.heldText = text;
    }

    /** Answers the generate calls held so far, and stops holding new ones. */
    public void answerHeld() {
        List<Runnable> toAnswer;
        synchronized (this) {
            heldText = null;
            toAnswer = List.copyOf(held);
            held.clear();
        }
        toAnswer.forEach(Runnable::run);
    }

    @Override
    public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
        generateCalls.incrementAndGet();
        synchronized (this) {
            if (heldText != null && request.prompt().contains(heldText)) {
                CompletableFuture<GenerateResult> later = new CompletableFuture<>();
                held.add(() -> answerNow(request).whenComplete((result, failure) -> {
                    if (failure != null) {
                        later.completeExceptionally(failure);
                    } else {
                        later.complete(result);
                    }
                }));
                return later;
            }
        }
        return answerNow(request);
    }

    private CompletableFuture<GenerateResult> answerNow(GenerateRequest request) {
        GeminiException failure = modelFailure(request.model());
        failure = failure != null ? failure : failureFor(List.of(request.prompt()));
        boolean blocked = isBlocked(request.prompt());
        return answer(failure, () -> blocked
                ? new GenerateResult(null, null, "SAFETY", "The prompt was blocked for safety.",
                        new TokenUsage(5, 0, 0, 5), request.model())
                : new GenerateResult("answer: " + request.prompt(), "STOP", null, null,
                        new TokenUsage(5, 7, 0, 12), request.model()));
    }

    @Override
    public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
        embedCalls.incrementAndGet();
        synchronized (this) {
            embedRequests.add(request);
        }
        GeminiException failure = failureFor(request.texts());
        int dimensions = request.dimensions() > 0 ? request.dimensions() : DEFAULT_DIMENSIONS;
        return answer(failure, () -> new EmbedResult(request.texts().stream()
                .map(text -> vector(text, dimensions)).toList()));
    }

    public int generateCalls() {
        return generateCalls.get();
    }

    /** Generate calls sent to {@code model}, failed ones included. */
    public synchronized int generateCalls(String model) {
        return generateCallsByModel.getOrDefault(model, 0);
    }

    public int embedCalls() {
        return embedCalls.get();
    }

    public synchronized List<EmbedRequest> embedRequests() {
        return List.copyOf(embedRequests);
    }

    private synchronized GeminiException modelFailure(String model) {
        generateCallsByModel.merge(model, 1, Integer::sum);
        ModelFailure scripted = modelFailures.get(model);
        if (scripted == null || scripted.left == 0) {
            return null;
        }
        scripted.left--;
        return scripted.failure;
    }

    private synchronized GeminiException failureFor(List<String> texts) {
        if (failuresLeft > 0) {
            failuresLeft--;
            return scriptedFailure;
        }
        if (failingText != null && texts.stream().anyMatch(text -> text.contains(failingText))) {
            return failingTextFailure;
        }
        return null;
    }

    private synchronized boolean isBlocked(String prompt) {
        return blockedText != null && prompt.contains(blockedText);
    }

    private <T> CompletableFuture<T> answer(GeminiException failure, Supplier<T> result) {
        return CompletableFuture.supplyAsync(() -> {
            if (failure != null) {
                throw failure;
            }
            return result.get();
        }, answers);
    }

    private static float[] vector(String text, int dimensions) {
        Random random = new Random(Arrays.hashCode(text.getBytes(StandardCharsets.UTF_8)));
        float[] vector = new float[dimensions];
        for (int i = 0; i < dimensions; i++) {
            vector[i] = random.nextFloat() * 2 - 1;
        }
        return vector;
    }

    @Override
    public void close() {
        answers.shutdownNow();
    }
}

package io.github.geministreams.pacing;

import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.support.RateLimitedLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Generate calls that go on to the next model of {@code gemini.generate.model.fallbacks} when a
 * model cannot answer: its daily quota is exhausted (429 for a PerDay quota), it does not
 * exist (404), or it is still overloaded (503) after its retries. Any other failure ends the
 * call, as without fallbacks.
 *
 * <p>Only calls to the configured generate model fall back. A prompt that names another model
 * in {@code model} gets that model or a dead letter: it asked for that model, and would not
 * want another one's answer.
 *
 * <p>Each model is tried once per call, with its own retries; a call never goes back to a model
 * that failed it, so a 404 costs one request per call. A model whose daily quota is exhausted
 * is remembered as such until the server's retry delay or {@code gemini.quota.daily.recheck}
 * has passed ({@link ResilientGeminiClient#holdDelay}): meanwhile calls skip it without a
 * request. A 404 is not remembered across calls: it may concern what the prompt names (a file)
 * rather than the model, and a model that is not there should be taken off the list.
 * The last model's daily quota is held as without fallbacks: the call waits for it, and the
 * pipeline pauses ({@code DailyQuotaPause}); daily quotas come back at the same time for
 * every model, at the start of the API's day.
 *
 * <p>The answer's {@link Attempted#model()} is the model that answered, its attempts are those
 * of every model, and {@link Attempted#attemptsByModel()} says how many each took. When the
 * last model fails too, the call fails with the last failure, its message saying what each
 * model answered.
 *
 * <p>Thread-safe; methods return at once, futures complete as the client's do.
 */
public final class ModelFallback {
    private static final Logger log = LoggerFactory.getLogger(ModelFallback.class);
    private final RateLimitedLog fallbackLog = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final RateLimitedLog dailyQuotaLog = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final ResilientGeminiClient calls;
    private final String generateModel;
    private final List<String> models;
    private final PacingListener metrics;
    private final LongSupplier nanoTime;
    /** Models whose daily quota is exhausted: the {@link #nanoTime} until which calls skip them. */
    private final Map<String, Long> exhaustedUntil = new ConcurrentHashMap<>();

    /**
     * @param generateModel the configured generate model, tried first
     * @param fallbacks     the models to try after it, in order (duplicates are ignored)
     * @param nanoTime      the clock that times how long a model stays skipped ({@code System::nanoTime})
     */
    ModelFallback(ResilientGeminiClient calls, String generateModel, List<String> fallbacks,
                  PacingListener metrics, LongSupplier nanoTime) {
        this.calls = calls;
        this.generateModel = generateModel;
        LinkedHashSet<String> chain = new LinkedHashSet<>();
        chain.add(generateModel);
        chain.addAll(fallbacks);
        this.models = List.copyOf(chain);
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    /** As {@link ResilientGeminiClient#generate(GenerateRequest, BooleanSupplier)}, falling back as described above. */
    public CompletableFuture<Attempted<GenerateResult>> generate(GenerateRequest request, BooleanSupplier wanted) {
        if (models.size() == 1 || !generateModel.equals(request.model())) {
            return calls.generate(request, wanted);
        }
        return tryFrom(0, request, wanted, new LinkedHashMap<>(), new ArrayList<>());
    }

    /**
     * @param attempts what the models before {@code index} took
     * @param answers  what each of them answered, for the failure's message
     */
    private CompletableFuture<Attempted<GenerateResult>> tryFrom(int index, GenerateRequest request,
                                                                BooleanSupplier wanted, Map<String, Integer> attempts,
                                                                List<String> answers) {
        String model = models.get(index);
        boolean last = index == models.size() - 1;
        if (!last && dailyQuotaExhausted(model)) {
            attempts.put(model, 0);
            answers.add(model + " (skipped): its daily quota is exhausted");
            metrics.modelFallback(model, "daily-quota");
            return tryFrom(index + 1, request, wanted, attempts, answers);
        }
        return calls.generate(request.withModel(model), wanted, last).handle((answer, failure) -> {
            if (failure == null) {
                return CompletableFuture.completedFuture(answered(answer, attempts));
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (!(cause instanceof GeminiCallFailedException failed)) {
                return CompletableFuture.<Attempted<GenerateResult>>failedFuture(cause);
            }
            attempts.put(model, failed.attempts());
            GeminiException error = GeminiException.fromSdk(failed.failure());
            String reason = fallbackReason(error);
            if (reason == null || last) {
                return CompletableFuture.<Attempted<GenerateResult>>failedFuture(
                        failedAll(failed, error, model, attempts, answers));
            }
            if (error.dailyQuotaExhausted()) {
                Duration skipped = calls.holdDelay(error);
                exhaustedUntil.put(model, nanoTime.getAsLong() + skipped.toNanos());
                dailyQuotaLog.warn("Daily Gemini quota of {} exhausted: generate calls go to {} for the next {} s, "
                        + "then {} is tried again", model, models.get(index + 1), skipped.toSeconds(), model);
            } else {
                fallbackLog.warn("{} could not answer a generate call ({} after {} attempt(s)): falling back to {}",
                        model, error.httpStatus() + " " + error.status(), failed.attempts(), models.get(index + 1));
            }
            answers.add(tried(model, failed.attempts(), error.getMessage()));
            metrics.modelFallback(model, reason);
            return tryFrom(index + 1, request, wanted, attempts, answers);
        }).thenCompose(Function.identity());
    }

    private boolean dailyQuotaExhausted(String model) {
        Long until = exhaustedUntil.get(model);
        return until != null && until - nanoTime.getAsLong() > 0;
    }

    /** The answer, with the attempts of the models tried before it when there were any. */
    private static Attempted<GenerateResult> answered(Attempted<GenerateResult> answer, Map<String, Integer> before) {
        if (before.isEmpty()) {
            return answer;
        }
        Map<String, Integer> attempts = new LinkedHashMap<>(before);
        attempts.put(answer.model(), answer.attempts());
        int total = attempts.values().stream().mapToInt(Integer::intValue).sum();
        return new Attempted<>(answer.value(), total, answer.model(), Collections.unmodifiableMap(attempts));
    }

    /** The call's failure: the last model's, saying what the models before it answered, with every attempt counted. */
    private static GeminiCallFailedException failedAll(GeminiCallFailedException failed, GeminiException error,
                                                       String model, Map<String, Integer> attempts,
                                                       List<String> answers) {
        if (answers.isEmpty()) {
            return failed;
        }
        List<String> all = new ArrayList<>(answers);
        all.add(tried(model, failed.attempts(), error.getMessage()));
        int total = attempts.values().stream().mapToInt(Integer::intValue).sum();
        return new GeminiCallFailedException(error.describedAs("no model answered: " + String.join("; ", all)), total);
    }

    /** Why {@code error} sends a call on to the next model, or null when it does not. */
    private static String fallbackReason(GeminiException error) {
        if (error.dailyQuotaExhausted()) {
            return "daily-quota";
        }
        return switch (error.httpStatus()) {
            case 404 -> "not-found";
            case 503 -> "overloaded";
            default -> null;
        };
    }

    private static String tried(String model, int attempts, String answer) {
        return model + " (" + attempts + (attempts == 1 ? " attempt): " : " attempts): ") + answer;
    }
}

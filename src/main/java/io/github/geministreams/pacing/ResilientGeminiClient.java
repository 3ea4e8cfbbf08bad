package io.github.geministreams.pacing;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.RetryPolicy;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenEstimate;
import io.github.geministreams.support.RateLimitedLog;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gemini calls with rate limits and retries around a plain {@link GeminiClient}.
 *
 * <p>Each attempt first waits (without blocking) for the {@link GeminiRateLimiter}, then calls
 * the delegate. Retryable failures ({@link GeminiException#retryable()}: 408, 429, 5xx,
 * transport errors, timeouts) are retried by Failsafe after an exponential backoff with
 * jitter that is never shorter than the server's {@code retryDelay}; anything else fails at
 * once. A call that fails for good completes with a {@link GeminiCallFailedException} that
 * holds the last failure and the number of attempts made.
 *
 * <p>A call refused because a daily quota is exhausted is held, not failed: it is tried again
 * after the server's retry delay or {@code dailyQuotaRecheck}, for as long as it takes. A
 * {@link ModelFallback} asks instead that such a call fail at once, so that it can go to the
 * next model ({@link #generate(GenerateRequest, BooleanSupplier, boolean)}).
 *
 * <p>One rate limiter for every model: the requests of a fallback model count against the
 * same configured quota as the generate model's.
 *
 * <p><b>Threading.</b> Methods return at once; futures complete on the delegate's callback
 * threads or on the scheduler. Thread-safe. It owns nothing: the delegate and the scheduler
 * belong to the caller, who closes them.
 */
public final class ResilientGeminiClient {
    private static final Logger log = LoggerFactory.getLogger(ResilientGeminiClient.class);

    private final GeminiClient delegate;
    private final RetrySettings retry;
    private final GeminiRateLimiter limiter;
    private final boolean embedTextsCountAsRequests;
    private final ScheduledExecutorService scheduler;
    private final PacingListener metrics;
    private final RateLimitedLog rateLimitLog = new RateLimitedLog(log, Duration.ofSeconds(10));
    private final RateLimitedLog dailyQuotaLog = new RateLimitedLog(log, Duration.ofMinutes(1));
    private final AtomicInteger heldOnDailyQuota = new AtomicInteger();
    private final AtomicInteger waitingForQuota = new AtomicInteger();
    private final AttemptListener attemptListener;
    private final TokenEstimate tokenEstimate = new TokenEstimate();

    /** A client whose attempts nobody else watches. */
    ResilientGeminiClient(GeminiClient delegate, RetrySettings retry, GeminiRateLimiter limiter,
                                 boolean embedTextsCountAsRequests, ScheduledExecutorService scheduler,
                          PacingListener metrics) {
        this(delegate, retry, limiter, embedTextsCountAsRequests, scheduler, metrics, AttemptListener.NONE);
    }

    /**
     * @param embedTextsCountAsRequests when true an embed call takes one request from the
     *                                  quota per text, as the Gemini API counts batchEmbedContents
     * @param attemptListener           told of every HTTP attempt (the concurrency limit learns latency from it)
     */
    ResilientGeminiClient(GeminiClient delegate, RetrySettings retry, GeminiRateLimiter limiter,
                                 boolean embedTextsCountAsRequests, ScheduledExecutorService scheduler,
                          PacingListener metrics, AttemptListener attemptListener) {
        this.delegate = delegate;
        this.retry = retry;
        this.limiter = limiter;
        this.embedTextsCountAsRequests = embedTextsCountAsRequests;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.attemptListener = attemptListener;
    }

    public CompletableFuture<Attempted<GenerateResult>> generate(GenerateRequest request) {
        return generate(request, () -> true);
    }

    /**
     * @param wanted asked before every attempt, when its turn at the rate limiter comes (under
     *               the limiter's lock: quick, and never calling the limiter) and again just
     *               before it is sent; when false (the task that wanted the answer has closed)
     *               the call ends with a {@link CancellationException}, without spending quota
     *               on an answer nobody will forward
     */
    public CompletableFuture<Attempted<GenerateResult>> generate(GenerateRequest request, BooleanSupplier wanted) {
        return generate(request, wanted, true);
    }

    /**
     * As {@link #generate(GenerateRequest, BooleanSupplier)}.
     *
     * @param holdOnDailyQuota false to fail at once, with the 429, when the model's daily quota
     *                         is exhausted, instead of holding the call until the quota is back
     */
    public CompletableFuture<Attempted<GenerateResult>> generate(GenerateRequest request, BooleanSupplier wanted,
                                                                 boolean holdOnDailyQuota) {
        long tokens = tokenEstimate.of(Arrays.asList(request.prompt(), request.systemInstruction()));
        return withRetries("generate", request.model(), 1, tokens, wanted, holdOnDailyQuota,
                () -> delegate.generate(request), answer -> answer.usage().promptTokens());
    }

    public CompletableFuture<Attempted<EmbedResult>> embed(EmbedRequest request) {
        return embed(request, () -> true);
    }

    /** As {@link #generate(GenerateRequest, BooleanSupplier)}, for a batch of texts. */
    public CompletableFuture<Attempted<EmbedResult>> embed(EmbedRequest request, BooleanSupplier wanted) {
        long tokens = tokenEstimate.of(request.texts());
        int requests = embedTextsCountAsRequests ? request.texts().size() : 1;
        // Embedding answers carry no token count: the estimate stands.
        return withRetries("embed", request.model(), requests, tokens, wanted, true, () -> delegate.embed(request),
                answer -> 0);
    }

    /**
     * @param countedTokens the input tokens Gemini counted for an answer, 0 when it does not say
     */
    private <T> CompletableFuture<Attempted<T>> withRetries(String operation, String model, int requests, long tokens,
                                                            BooleanSupplier wanted, boolean holdOnDailyQuota,
                                                            Supplier<CompletableFuture<T>> call,
                                                            ToLongFunction<T> countedTokens) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicBoolean held = new AtomicBoolean();
        long started = System.nanoTime();
        AtomicLong waitedForQuota = new AtomicLong();
        // The daily-quota hold wraps the ordinary retries: each time the day's quota refuses
        // the call, the ordinary retries start over once the hold has waited.
        FailsafeExecutor<T> executor = (holdOnDailyQuota
                ? Failsafe.with(this.<T>dailyQuotaHold(operation, held), this.<T>retryPolicy(operation))
                : Failsafe.with(this.<T>retryPolicy(operation))).with(scheduler);
        // A held call counts as held through its re-attempts, until one is answered otherwise: the
        // daily-quota pause must not see it as an answer on its way while it only rechecks.
        CompletableFuture<T> result = executor.getStageAsync(() ->
                attempt(operation, model, requests, tokens, wanted, call, countedTokens, attempts, waitedForQuota, held));
        return result.handle((value, failure) -> {
            release(held);
            attemptListener.completed(System.nanoTime() - started - waitedForQuota.get());
            if (failure != null) {
                throw new GeminiCallFailedException(GeminiException.fromSdk(failure), attempts.get());
            }
            return new Attempted<>(value, attempts.get(), model);
        });
    }

    private <T> CompletionStage<T> attempt(String operation, String model, int requests, long tokens,
                                           BooleanSupplier wanted,
                                           Supplier<CompletableFuture<T>> call, ToLongFunction<T> countedTokens,
                                           AtomicInteger attempts, AtomicLong waitedForQuota, AtomicBoolean held) {
        long waitStarted = System.nanoTime();
        waitingForQuota.incrementAndGet();
        // Counted down however the wait ends: a failed wait (a call larger than the quota) too.
        CompletableFuture<Void> permit = limiter.acquire(requests, tokens, wanted)
                .whenComplete((permitted, failure) -> waitingForQuota.decrementAndGet());
        return permit.thenCompose(permitted -> {
            if (!wanted.getAsBoolean()) {
                throw new CancellationException("the " + operation + " call is no longer wanted (its task closed)");
            }
            long sent = System.nanoTime();
            metrics.rateLimiterWaited(sent - waitStarted);
            waitedForQuota.addAndGet(sent - waitStarted);
            attempts.incrementAndGet();
            return call.get().handle((value, failure) -> {
                long latency = System.nanoTime() - sent;
                if (failure != null) {
                    GeminiException error = GeminiException.fromSdk(failure);
                    // Answered otherwise than "day exhausted": no longer held. An exhausted day says
                    // nothing about latency or about sending too fast.
                    if (!error.dailyQuotaExhausted()) {
                        release(held);
                        attemptListener.attempted(latency, requests, tokens, error.httpStatus());
                    }
                    metrics.geminiRequest(operation, model, latency,
                            error.httpStatus() > 0 ? String.valueOf(error.httpStatus()) : "transport");
                    if (error.httpStatus() == 429) {
                        rateLimitLog.warn("Gemini rate limit: {} answered 429 {}{}; retrying with backoff", operation,
                                error.quotaId().map(quota -> "for quota " + quota).orElse(""),
                                error.retryDelay().map(delay -> ", server asks to wait " + delay.toMillis() + " ms").orElse(""));
                    }
                    throw error;
                }
                release(held);
                attemptListener.attempted(latency, requests, tokens, 200);
                metrics.geminiRequest(operation, model, latency, "ok");
                reconcileTokens(tokens, countedTokens.applyAsLong(value));
                return value;
            });
        });
    }

    /** Charges what an answer's real token count adds to its estimate, and improves the next estimates. */
    private void reconcileTokens(long estimated, long counted) {
        if (counted <= 0) {
            return;
        }
        tokenEstimate.observe(estimated, counted);
        limiter.owe(counted - estimated);
    }

    /** Attempts waiting for the per-minute rate limits: more than zero means the quota is what limits us now. */
    public int waitingForQuota() {
        return waitingForQuota.get();
    }

    /** Requests waiting for a daily quota to come back; while there are any, processing is paused. */
    public int heldOnDailyQuota() {
        return heldOnDailyQuota.get();
    }

    private void release(AtomicBoolean held) {
        if (held.getAndSet(false)) {
            heldOnDailyQuota.decrementAndGet();
        }
    }

    private <T> RetryPolicy<T> dailyQuotaHold(String operation, AtomicBoolean held) {
        return RetryPolicy.<T>builder()
                .handleIf((result, failure) -> failure != null && GeminiException.fromSdk(failure).dailyQuotaExhausted())
                .withMaxRetries(-1)
                .withDelayFn(context -> holdDelay(context.getLastException()))
                // Marked as held when the attempt fails, for the whole wait (onRetry would come after it).
                .onFailedAttempt(event -> {
                    GeminiException quota = GeminiException.fromSdk(event.getLastException());
                    if (!quota.dailyQuotaExhausted()) {
                        return;
                    }
                    if (!held.getAndSet(true)) {
                        heldOnDailyQuota.incrementAndGet();
                    }
                    dailyQuotaLog.warn("Daily Gemini quota exhausted ({}): {} requests held, not dead-lettered; "
                                    + "each tries again every {} ms until the quota is back",
                            quota.quotaId().orElse("a PerDay quota"), heldOnDailyQuota.get(),
                            holdDelay(event.getLastException()).toMillis());
                })
                .build();
    }

    /** The server's retry delay when it is shorter than the recheck interval. */
    Duration holdDelay(Throwable lastFailure) {
        Duration recheck = retry.dailyQuotaRecheck();
        return GeminiException.fromSdk(lastFailure).retryDelay()
                .filter(delay -> delay.compareTo(recheck) < 0)
                .orElse(recheck);
    }

    private <T> RetryPolicy<T> retryPolicy(String operation) {
        return RetryPolicy.<T>builder()
                .handleIf((result, failure) -> failure != null && GeminiException.fromSdk(failure).retryable()
                        && !GeminiException.fromSdk(failure).dailyQuotaExhausted())
                .withMaxAttempts(retry.maxAttempts())
                .withDelayFn(context -> delayAfter(context.getAttemptCount(), context.getLastException()))
                .onRetry(event -> {
                    metrics.retried(operation);
                    log.debug("Retrying a Gemini call (attempt {}): {}", event.getAttemptCount() + 1,
                            event.getLastException() == null ? "" : event.getLastException().getMessage());
                })
                .build();
    }

    /**
     * Exponential backoff with jitter, never shorter than the server's retry delay.
     *
     * @param attemptsMade attempts so far (1 before the first retry)
     */
    Duration delayAfter(int attemptsMade, Throwable lastFailure) {
        long initial = retry.initialBackoff().toNanos();
        long ceiling = retry.maxBackoff().toNanos();
        int doublings = Math.min(Math.max(attemptsMade - 1, 0), 30);
        long backoff = Math.min(ceiling, (long) (initial * Math.pow(2, doublings)));
        double spread = retry.jitterFactor() * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        long jittered = Math.max(0, (long) (backoff * (1 + spread)));
        long serverDelay = lastFailure == null ? 0
                : GeminiException.fromSdk(lastFailure).retryDelay().map(Duration::toNanos).orElse(0L);
        return Duration.ofNanos(Math.max(jittered, serverDelay));
    }
}

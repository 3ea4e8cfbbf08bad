package io.github.geministreams.gemini.genai;

import com.google.genai.Client;
import com.google.genai.types.ClientOptions;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import io.github.geministreams.gemini.GeminiException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The google-genai SDK client and the callback threads of our clients ({@link GenAiGeminiClient},
 * {@link GenAiBatchClient}), set up for an application that owns its retries and its
 * concurrency: the SDK's own retries are off (they sleep inside HTTP threads and ignore the
 * server's retry delay), its connection limits are raised to {@code maxConcurrency} (OkHttp
 * allows 5 per host by default and queues the rest without bound), and every request has a
 * timeout. Stateless.
 */
final class GenAiClients {
    private GenAiClients() {
    }

    static Client sdkClient(GenAiSettings settings) {
        HttpOptions.Builder http = HttpOptions.builder()
                .timeout(Math.toIntExact(settings.requestTimeout().toMillis()))
                // attempts(1) alone still lets the SDK sleep on listed statuses; an empty list stops it.
                .retryOptions(HttpRetryOptions.builder().attempts(1).httpStatusCodes(List.of()).build());
        if (settings.baseUrl() != null) {
            http.baseUrl(settings.baseUrl());
        }
        return settings.sdkClient()
                .httpOptions(http.build())
                .clientOptions(ClientOptions.builder()
                        .maxConnections(settings.maxConcurrency())
                        .maxConnectionsPerHost(settings.maxConcurrency())
                        .build())
                .build();
    }

    /**
     * Daemon threads that complete our futures, so callers' callbacks never run on HTTP threads
     * or on the common pool.
     */
    static ExecutorService callbacks(int threads, String prefix) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Runs an SDK call and maps its answer, completing on {@code callbacks}; a failure, thrown or
     * returned, becomes a {@link GeminiException}.
     */
    static <R, T> CompletableFuture<T> call(Supplier<CompletableFuture<R>> sdkCall, Function<R, T> mapping,
                                            Executor callbacks) {
        CompletableFuture<R> pending;
        try {
            pending = sdkCall.get();
        } catch (RuntimeException e) {
            pending = CompletableFuture.failedFuture(e);
        }
        return pending.handleAsync((response, failure) -> {
            if (failure != null) {
                throw GeminiException.fromSdk(failure);
            }
            return mapping.apply(response);
        }, callbacks);
    }
}

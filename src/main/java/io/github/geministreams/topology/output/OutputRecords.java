package io.github.geministreams.topology.output;

import io.github.geministreams.gemini.GeminiException;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.model.Embedding;
import io.github.geministreams.model.GeneratedResponse;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.model.TokenCounts;
import io.github.geministreams.pacing.Attempted;
import io.github.geministreams.pacing.GeminiCallFailedException;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topology.online.InvalidAnswerException;
import io.github.geministreams.topology.online.StructuredAnswer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.processor.api.Record;

/** Builds the records the batching processor forwards: responses, embeddings, dead letters. Stateless. */
final class OutputRecords {
    private OutputRecords() {
    }

    /**
     * @param costUsd the answer's estimated cost ({@link io.github.geministreams.cost.CostEstimator}), or null
     * @param cached  true for an answer from the cache: marked {@code cached}
     */
    static Record<byte[], byte[]> response(PendingPrompt pending, String model, Attempted<GenerateResult> answer,
                                           long latencyMs, Double costUsd, long nowMillis, boolean cached) {
        PromptRequest request = pending.request();
        GenerateResult result = answer.value();
        TokenUsage usage = result.usage();
        GeneratedResponse value = new GeneratedResponse(
                request.id(), request.prompt(), result.text(), StructuredAnswer.json(request.generation(), result),
                model, result.finishReason(),
                result.blocked(), result.blockReason(), result.blockMessage(),
                new TokenCounts(usage.promptTokens(), usage.outputTokens(), usage.thoughtsTokens(), usage.totalTokens()),
                answer.attempts(), answer.attemptsByModel().isEmpty() ? null : answer.attemptsByModel(), latencyMs,
                pending.source(), request.job(), request.attributes(), truncated(request), request.mode(),
                cachedFlag(cached), costUsd);
        return new Record<>(idBytes(request), Json.toBytes(value), nowMillis);
    }

    /**
     * @param costUsd the embedding's estimated cost ({@link io.github.geministreams.cost.CostEstimator}), or null
     * @param cached  true for an embedding from the cache: marked {@code cached}
     */
    static Record<byte[], byte[]> embedding(PendingPrompt pending, String model, float[] values, int attempts,
                                            long latencyMs, Double costUsd, long nowMillis, boolean cached) {
        PromptRequest request = pending.request();
        Embedding value = new Embedding(request.id(), model, values.length, values, attempts, latencyMs,
                pending.source(), request.job(), request.attributes(), truncated(request), request.mode(),
                cachedFlag(cached), costUsd);
        return new Record<>(idBytes(request), Json.toBytes(value), nowMillis);
    }

    /**
     * The original record with the reason a Gemini call for {@code task} failed. A prompt that
     * asked for more than one task gets a dead letter per failed task, whose value asks for
     * that task only ({@link ReplayValue}): replaying the dead-letter topic then re-runs what
     * failed, never a task that succeeded.
     */
    static Record<byte[], byte[]> deadLetter(PendingPrompt pending, Task task, Throwable failure, long nowMillis) {
        int attempts = 1;
        Throwable cause = failure;
        if (failure instanceof GeminiCallFailedException failed) {
            attempts = failed.attempts();
            cause = failed.failure();
        } else if (failure instanceof InvalidAnswerException invalid) {
            attempts = invalid.attempts();
        }
        int status = cause instanceof GeminiException gemini ? gemini.httpStatus() : 0;
        boolean retryable = cause instanceof GeminiException gemini && gemini.retryable();
        DeadLetterHeaders.Stage stage = stage(task, failure);
        var headers = DeadLetterHeaders.build(pending.source(), stage, cause.getClass().getName(),
                cause.getMessage(), attempts, status, retryable);
        byte[] value = pending.request().tasks().size() > 1
                ? ReplayValue.onlyTask(pending.originalValue(), pending.request(), task)
                : pending.originalValue();
        return new Record<>(pending.originalKey(), value, nowMillis, headers);
    }

    /** Present on an output only when it is true. */
    private static Boolean cachedFlag(boolean cached) {
        return cached ? Boolean.TRUE : null;
    }

    /** Present on an output only when it is true. */
    private static Boolean truncated(PromptRequest request) {
        return request.truncated() ? Boolean.TRUE : null;
    }

    /** Where a Gemini task failed: {@code validate} when its answers were not the JSON it asked for. */
    static DeadLetterHeaders.Stage stage(Task task, Throwable failure) {
        if (failure instanceof InvalidAnswerException) {
            return DeadLetterHeaders.Stage.VALIDATE;
        }
        return task == Task.EMBED ? DeadLetterHeaders.Stage.EMBED : DeadLetterHeaders.Stage.GENERATE;
    }

    private static byte[] idBytes(PromptRequest request) {
        return request.id().getBytes(StandardCharsets.UTF_8);
    }
}

package io.github.geministreams.topology.online;

import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.pacing.Attempted;
import io.github.geministreams.pacing.GeminiCallFailedException;
import io.github.geministreams.pacing.ModelFallback;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;

/**
 * A generate call whose answer is checked ({@link StructuredAnswer}) before it counts: an
 * answer that is not the JSON the prompt asked for is asked for once more, in the same
 * dispatch (so under the same request permit, and only while the task still wants it); a
 * second bad answer fails the call with an {@link InvalidAnswerException}. Prompts that did
 * not ask for JSON are one plain call. Attempts add up over both calls.
 *
 * <p><b>After a crash.</b> The first bad answer is kept nowhere: the prompt is still pending
 * in the uncommitted store, so the next owner of the task starts over, with up to two calls
 * again. A task that closes between the two calls sends no second one (its {@code wanted}
 * says false); the call then ends as cancelled, and the next owner calls again.
 */
final class ValidatedGeneration {
    private ValidatedGeneration() {
    }

    static CompletableFuture<Attempted<GenerateResult>> generate(ModelFallback calls, GenerateRequest request,
                                                                 BooleanSupplier wanted) {
        return calls.generate(request, wanted).thenCompose(first -> {
            if (StructuredAnswer.problem(request.settings(), first.value()).isEmpty()) {
                return CompletableFuture.completedFuture(first);
            }
            return calls.generate(request, wanted).handle((second, failure) -> {
                if (failure != null) {
                    throw withEarlierAttempts(failure, first.attempts());
                }
                int attempts = first.attempts() + second.attempts();
                Optional<String> problem = StructuredAnswer.problem(request.settings(), second.value());
                if (problem.isPresent()) {
                    throw new InvalidAnswerException(problem.get(), attempts);
                }
                return new Attempted<>(second.value(), attempts, second.model(), attemptsByModel(first, second));
            });
        });
    }

    /** Each model's attempts over both calls; empty when one model took them all (no fallback to show). */
    private static Map<String, Integer> attemptsByModel(Attempted<?> first, Attempted<?> second) {
        Map<String, Integer> byModel = new LinkedHashMap<>();
        for (Attempted<?> call : List.of(first, second)) {
            if (call.attemptsByModel().isEmpty()) {
                byModel.merge(call.model(), call.attempts(), Integer::sum);
            } else {
                call.attemptsByModel().forEach((model, attempts) -> byModel.merge(model, attempts, Integer::sum));
            }
        }
        return byModel.size() == 1 ? Map.of() : byModel;
    }

    private static RuntimeException withEarlierAttempts(Throwable failure, int earlier) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof GeminiCallFailedException failed) {
            return new GeminiCallFailedException(failed.failure(), earlier + failed.attempts());
        }
        return cause instanceof RuntimeException runtime ? runtime : new CompletionException(cause);
    }
}

package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.Attempted;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.model.Task;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Sends one task incarnation's batches to Gemini and hands their answers back to its stream
 * thread. Each request holds one of the instance's permits ({@link GeminiGateway#tryAcquire})
 * from dispatch until its {@link Completion} has been handled.
 *
 * <p><b>Threading.</b> {@link #tryAcquire}, {@link #send}, {@link #drain} and {@link #close} run on the
 * stream thread; Gemini's callbacks only add to a concurrent queue.
 *
 * <p><b>After close.</b> A closed incarnation forwards nothing: its calls that have not been
 * sent yet are cancelled ({@code wanted} turns false), and each answer that still arrives
 * gives its permit back when it arrives, not before (the HTTP call held it until then). A
 * processor that Kafka Streams initialises again gets a new dispatcher; the old one's late
 * answers never reach it.
 */
final class TaskDispatcher {
    private final GeminiGateway gateway;
    private final AppConfig.GeminiSettings gemini;
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private int requestsInFlight;

    TaskDispatcher(GeminiGateway gateway, AppConfig.GeminiSettings gemini) {
        this.gateway = gateway;
        this.gemini = gemini;
    }

    /** Takes one of the instance's request permits if one is free; then {@link #send} a batch with it. */
    boolean tryAcquire() {
        return !closed && gateway.tryAcquire();
    }

    /** Sends {@code batch} on the permit just taken with {@link #tryAcquire}. */
    void send(Batch batch) {
        requestsInFlight++;
        gateway.metrics().batchDispatched(batch.key().task().wireName(), batch.items().size());
        long started = System.nanoTime();
        CompletableFuture<? extends Attempted<?>> call = batch.key().task() == Task.EMBED
                ? gateway.calls().embed(embedRequest(batch), () -> !closed)
                : gateway.calls().generate(generateRequest(batch), () -> !closed);
        call.whenComplete((answer, failure) -> answered(new Completion(batch, answer, unwrap(failure),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
    }

    /** Hands every answer received so far to {@code handler}, then gives back its permit. */
    void drain(Consumer<Completion> handler) {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            requestsInFlight--;
            try {
                handler.accept(completion);
            } finally {
                gateway.release();
            }
        }
    }

    /** Requests of this task sent and not yet handled. */
    int requestsInFlight() {
        return requestsInFlight;
    }

    /** From now on nothing is dispatched or handed over; answers still to come only give back their permits. */
    void close() {
        closed = true;
        discardAnswers();
    }

    private void answered(Completion completion) {
        completions.add(completion);
        if (closed) {
            // Closed meanwhile: nobody drains this queue any more. Either this or close() takes it.
            discardAnswers();
        }
    }

    private void discardAnswers() {
        while (completions.poll() != null) {
            gateway.release();
        }
    }

    private EmbedRequest embedRequest(Batch batch) {
        List<String> texts = batch.items().stream().map(BatchItem::text).toList();
        return new EmbedRequest(batch.key().model(), texts, gemini.embedDimensions(), gemini.embedTaskType().orElse(null));
    }

    private static GenerateRequest generateRequest(Batch batch) {
        BatchItem item = batch.items().get(0);
        return new GenerateRequest(batch.key().model(), item.text(), item.system());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

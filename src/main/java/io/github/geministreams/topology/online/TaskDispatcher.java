package io.github.geministreams.topology.online;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.pacing.Attempted;
import io.github.geministreams.pacing.GeminiPacing;
import io.github.geministreams.topology.store.HandoverEntry;
import io.github.geministreams.topology.store.HandoverPublisher;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends one task incarnation's bundles to Gemini and hands their answers back to its stream
 * thread. Each request holds one of the instance's permits ({@link GeminiPacing#tryAcquire})
 * from dispatch until its {@link Completion} has been handled.
 *
 * <p><b>Threading.</b> {@link #tryAcquire}, {@link #send}, {@link #drain} and {@link #close}
 * run on the stream thread; Gemini's callbacks only add to a queue. One lock orders a call's
 * last attempt, its answer and the close.
 *
 * <p><b>After close.</b> When Kafka Streams closes a task it has already committed it, so
 * nothing is forwarded any more. Calls not sent yet are cancelled ({@code wanted} turns
 * false). For the calls already at Gemini, and the answers that came but were not handled,
 * the next owner of the task would otherwise pay a second time: close writes each sent call
 * to the {@link HandoverPublisher} as open until one request timeout from now, and each
 * answer that still comes is written there too (or a tombstone, when the call failed). Each
 * answer gives its permit back when it arrives, not before: the HTTP call held it until then.
 * A processor that Kafka Streams initialises again gets a new dispatcher.
 */
public final class TaskDispatcher {
    private static final Logger log = LoggerFactory.getLogger(TaskDispatcher.class);
    private final GeminiPacing pacing;
    private final PipelineMetrics metrics;
    private final Supplier<HandoverPublisher> handover;
    private final AppConfig.GeminiSettings gemini;
    private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    /** Calls dispatched and not answered yet; guarded by {@link #lock}. */
    private final Set<Call> calls = new HashSet<>();
    /** Guarded by {@link #lock}. */
    private boolean closed;
    private int requestsInFlight;

    /** One request: whether an attempt of it has gone to Gemini, so that its answer may still come. */
    private static final class Call {
        final Bundle bundle;
        boolean sent;

        Call(Bundle bundle) {
            this.bundle = bundle;
        }
    }

    /** @param handover where open calls and late answers go once the task has closed (read when needed) */
    public TaskDispatcher(GeminiPacing pacing, PipelineMetrics metrics, Supplier<HandoverPublisher> handover,
                          AppConfig.GeminiSettings gemini) {
        this.pacing = pacing;
        this.metrics = metrics;
        this.handover = handover;
        this.gemini = gemini;
    }

    /** Takes one of the instance's request permits if one is free; then {@link #send} a bundle with it. */
    public boolean tryAcquire() {
        return pacing.tryAcquire();
    }

    /** Sends {@code bundle} on the permit just taken with {@link #tryAcquire}. */
    public void send(Bundle bundle) {
        requestsInFlight++;
        metrics.bundleDispatched(bundle.key().task().wireName(), bundle.items().size());
        Call call = new Call(bundle);
        synchronized (lock) {
            calls.add(call);
        }
        long started = System.nanoTime();
        CompletableFuture<? extends Attempted<?>> answer = bundle.key().task() == Task.EMBED
                ? pacing.calls().embed(embedRequest(bundle), () -> attempting(call))
                : ValidatedGeneration.generate(pacing.generateCalls(), generateRequest(bundle), () -> attempting(call));
        answer.whenComplete((value, failure) -> answered(call, new Completion(bundle, value, unwrap(failure),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))));
    }

    /** Hands every answer received so far to {@code handler}, then gives back its permit. */
    public void drain(Consumer<Completion> handler) {
        Completion completion;
        while ((completion = completions.poll()) != null) {
            requestsInFlight--;
            try {
                handler.accept(completion);
            } finally {
                pacing.release();
            }
        }
    }

    /** Requests of this task sent and not yet handled. */
    public int requestsInFlight() {
        return requestsInFlight;
    }

    /**
     * From now on nothing is dispatched or handed to the stream thread; what Gemini still owes
     * goes to the handover.
     *
     * @param nowMillis        wall-clock time of the close
     * @param answerDueMillis  how long an answer to a call at Gemini may still take (a request timeout)
     */
    public void close(long nowMillis, long answerDueMillis) {
        synchronized (lock) {
            closed = true;
            Completion completion;
            while ((completion = completions.poll()) != null) {
                try {
                    handOver(completion, true);
                } finally {
                    pacing.release();
                }
            }
            HandoverEntry open = HandoverEntry.open(nowMillis + answerDueMillis);
            for (Call call : calls) {
                if (call.sent) {
                    for (BundleItem item : call.bundle.items()) {
                        handover.get().publish(HandoverEntry.key(item.storeKey(), call.bundle.key().task()), open);
                    }
                }
            }
        }
    }

    /** Asked before each attempt: false once closed, else the call counts as sent. */
    private boolean attempting(Call call) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            call.sent = true;
            return true;
        }
    }

    private void answered(Call call, Completion completion) {
        try {
            synchronized (lock) {
                calls.remove(call);
                if (!closed) {
                    completions.add(completion);
                    return;
                }
                handOver(completion, call.sent);
            }
        } catch (RuntimeException e) {
            // The answer is lost for the next owner, which calls again; the permit must not be.
            log.warn("Could not hand over an answer of a closed task: {}", e.toString());
        }
        pacing.release();
    }

    /** An answer this task will not forward: for the next owner (a tombstone when it failed and had been announced). */
    private void handOver(Completion completion, boolean announced) {
        Bundle bundle = completion.bundle();
        Task task = bundle.key().task();
        HandoverPublisher publisher = handover.get();
        if (completion.failure() != null) {
            if (announced) {
                bundle.items().forEach(item -> publisher.publish(HandoverEntry.key(item.storeKey(), task), null));
            }
            return;
        }
        List<HandoverEntry> answers = completion.itemAnswers();
        for (int i = 0; i < bundle.items().size(); i++) {
            publisher.publish(HandoverEntry.key(bundle.items().get(i).storeKey(), task), answers.get(i));
        }
    }

    private EmbedRequest embedRequest(Bundle bundle) {
        return new EmbedRequest(bundle.key().model(), bundle.distinctTexts(), gemini.embedDimensions(), gemini.embedTaskType().orElse(null));
    }

    private static GenerateRequest generateRequest(Bundle bundle) {
        PromptRequest prompt = bundle.items().get(0).request();
        return new GenerateRequest(bundle.key().model(), prompt.prompt(), prompt.system(), prompt.parts(),
                prompt.generation());
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}

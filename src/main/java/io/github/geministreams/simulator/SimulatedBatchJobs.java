package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulator's Gemini Batch API jobs, in creation order, with their answers. A job's state
 * follows from its age, read when asked (no thread runs jobs): PENDING for the first half of its
 * turnaround, RUNNING for the second, then SUCCEEDED with its results inline, or FAILED, or
 * EXPIRED; CANCELLED once cancelled before that. Answers are computed when the job is created,
 * exactly as online answers are ({@link ModelEndpoints}); a request that the online API would
 * reject with a 400 gets that error as its result instead.
 *
 * <p>Jobs live as long as the simulator ({@link GeminiSimulator#reset()} keeps them), so a
 * client that restarts finds its jobs again. Thread-safe: every method is synchronized.
 */
public final class SimulatedBatchJobs {
    /** A request whose text contains it fails inside a succeeding job (google.rpc code 13 INTERNAL). */
    public static final String ITEM_FAILURE_TRIGGER = "BATCH_ITEM_FAILURE_TRIGGER";
    /** A job with a request whose text contains it ends FAILED, without results. */
    public static final String JOB_FAILURE_TRIGGER = "BATCH_JOB_FAILURE_TRIGGER";
    /** A job with a request whose text contains it ends EXPIRED, without results. */
    public static final String JOB_EXPIRY_TRIGGER = "BATCH_JOB_EXPIRY_TRIGGER";
    /** Jobs on a page of {@code batches.list} when the request names no page size. */
    public static final int DEFAULT_PAGE_SIZE = 10;
    static final int MAX_PAGE_SIZE = 1000;
    private static final int INTERNAL = 13;

    enum Kind {
        GENERATE("GenerateContentBatch", "inlinedResponses"),
        EMBED("EmbedContentBatch", "inlinedEmbedContentResponses");

        private final String type;
        private final String output;

        Kind(String type, String output) {
            this.type = type;
            this.output = output;
        }
    }

    private enum State {
        PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED, EXPIRED;

        boolean finished() {
            return this != PENDING && this != RUNNING;
        }
    }

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    SimulatedBatchJobs() {
    }

    /**
     * Creates a job of {@code results} (one inlined response per request, in request order).
     *
     * @param texts the requests' texts, where the job-level triggers are looked for
     */
    synchronized ObjectNode create(Kind kind, String model, String displayName, List<ObjectNode> results,
                                   List<String> texts, SimulatorConfig config) {
        String name = "batches/sim-" + ids.incrementAndGet();
        State end = State.SUCCEEDED;
        if (config.batchExpireJobs() || texts.stream().anyMatch(text -> text.contains(JOB_EXPIRY_TRIGGER))) {
            end = State.EXPIRED;
        } else if (texts.stream().anyMatch(text -> text.contains(JOB_FAILURE_TRIGGER))) {
            end = State.FAILED;
        }
        Job job = new Job(name, kind, model, displayName, List.copyOf(results), end, Instant.now(),
                System.nanoTime(), config.batchTurnaround());
        jobs.put(name, job);
        return job.toJson(System.nanoTime());
    }

    /** The job as an Operation, or a 404. */
    synchronized ObjectNode get(String name) {
        return find(name).toJson(System.nanoTime());
    }

    /**
     * A page of jobs in creation order; {@code pageToken} is where the page starts, as the previous
     * page's {@code nextPageToken} said.
     */
    synchronized ObjectNode list(int pageSize, String pageToken) {
        int size = pageSize <= 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
        int from;
        try {
            from = pageToken == null || pageToken.isEmpty() ? 0 : Integer.parseInt(pageToken);
        } catch (NumberFormatException e) {
            throw new GeminiRequestException(ApiError.invalidArgument("Invalid page token: " + pageToken));
        }
        List<Job> all = new ArrayList<>(jobs.values());
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode operations = answer.putArray("operations");
        long now = System.nanoTime();
        for (int i = from; i < Math.min(all.size(), from + size); i++) {
            operations.add(all.get(i).toJson(now));
        }
        if (from + size < all.size()) {
            answer.put("nextPageToken", Integer.toString(from + size));
        }
        return answer;
    }

    /** Cancels a job that has not finished; a finished job stays as it is. */
    synchronized void cancel(String name) {
        Job job = find(name);
        if (!job.state(System.nanoTime()).finished()) {
            job.cancelledAt = Instant.now();
        }
    }

    synchronized void delete(String name) {
        if (jobs.remove(name) == null) {
            throw notFound(name);
        }
    }

    private Job find(String name) {
        return Optional.ofNullable(jobs.get(name)).orElseThrow(() -> notFound(name));
    }

    private static GeminiRequestException notFound(String name) {
        return new GeminiRequestException(ApiError.notFound("Batch " + name + " not found."));
    }

    /** An inlined response that failed: a google.rpc.Status, as the API puts it in the job. */
    static ObjectNode failed(int code, String message) {
        ObjectNode result = Json.MAPPER.createObjectNode();
        result.putObject("error").put("code", code).put("message", message);
        return result;
    }

    /** The error of a request whose text carries {@link #ITEM_FAILURE_TRIGGER}. */
    static ObjectNode triggeredFailure() {
        return failed(INTERNAL, "An internal error occurred while processing this request (simulated: "
                + ITEM_FAILURE_TRIGGER + ").");
    }

    /** The 400 the online API would have answered, as a failed result. */
    static ObjectNode failed(GeminiRequestException rejected) {
        return failed(rpcCode(rejected.error().status()), rejected.error().message());
    }

    private static int rpcCode(String status) {
        return switch (status) {
            case "NOT_FOUND" -> 5;
            case "RESOURCE_EXHAUSTED" -> 8;
            case "UNAVAILABLE" -> 14;
            case "INTERNAL" -> INTERNAL;
            default -> 3;
        };
    }

    private static final class Job {
        private final String name;
        private final Kind kind;
        private final String model;
        private final String displayName;
        private final List<ObjectNode> results;
        private final State end;
        private final Instant created;
        private final long createdNanos;
        private final Duration turnaround;
        private Instant cancelledAt;

        Job(String name, Kind kind, String model, String displayName, List<ObjectNode> results, State end,
            Instant created, long createdNanos, Duration turnaround) {
            this.name = name;
            this.kind = kind;
            this.model = model;
            this.displayName = displayName;
            this.results = results;
            this.end = end;
            this.created = created;
            this.createdNanos = createdNanos;
            this.turnaround = turnaround;
        }

        State state(long nowNanos) {
            if (cancelledAt != null) {
                return State.CANCELLED;
            }
            long age = nowNanos - createdNanos;
            if (age >= turnaround.toNanos()) {
                return end;
            }
            return age < turnaround.toNanos() / 2 ? State.PENDING : State.RUNNING;
        }

        private Instant ended(State state) {
            return state == State.CANCELLED ? cancelledAt : created.plus(turnaround);
        }

        /** The job as the API's long-running Operation, its batch in {@code metadata}. */
        ObjectNode toJson(long nowNanos) {
            State state = state(nowNanos);
            ObjectNode operation = Json.MAPPER.createObjectNode().put("name", name);
            ObjectNode metadata = operation.putObject("metadata")
                    .put("@type", "type.googleapis.com/google.ai.generativelanguage.v1main." + kind.type)
                    .put("model", "models/" + model)
                    .put("displayName", displayName)
                    .put("createTime", created.toString())
                    .put("state", "BATCH_STATE_" + state);
            metadata.putObject("batchStats").put("requestCount", Integer.toString(results.size()));
            if (state.finished()) {
                metadata.put("endTime", ended(state).toString()).put("updateTime", ended(state).toString());
                operation.put("done", true);
            } else {
                metadata.put("updateTime", created.toString());
            }
            if (state == State.SUCCEEDED) {
                ObjectNode output = metadata.putObject("output").putObject(kind.output);
                output.putArray("inlinedResponses").addAll(results);
                operation.set("response", output.deepCopy());
            } else if (state == State.FAILED) {
                operation.putObject("error").put("code", INTERNAL).put("message",
                        "The batch job failed (simulated: " + JOB_FAILURE_TRIGGER + ").");
            }
            return operation;
        }
    }
}

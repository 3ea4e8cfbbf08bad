package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local HTTP server that speaks the Gemini REST protocol as the google-genai SDK uses it
 * ({@code POST /v1beta/models/{model}:generateContent} and {@code :batchEmbedContents}),
 * with configurable latency, quotas enforced with 429s, injected errors and safety blocks.
 * Generation settings are checked as the API checks them ({@link GenerationConfigRules}); JSON
 * output is an instance of the request's schema, broken on purpose by the trigger words
 * {@code INVALID_JSON_TRIGGER} and {@code SCHEMA_MISMATCH_TRIGGER} ({@link StructuredAnswers}).
 * Tests and benchmarks point the real SDK at {@link #baseUrl()}.
 *
 * <p>It also answers as Vertex AI
 * ({@code /v1beta1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent}
 * and {@code :predict} for embeddings) to requests bearing an access token from its own OAuth
 * token endpoint, {@code POST /token} ({@link AccessTokens}): a service-account key whose
 * {@code token_uri} points there tests Vertex AI end to end without network.
 *
 * <p>Admin endpoints: {@code GET /simulator/stats} (the counters as JSON) and
 * {@code POST /simulator/reset}.
 *
 * <p><b>Threading.</b> A request is read, checked and counted against the quotas on a thread of
 * a cached pool; its answer is then sent by a small scheduler once the latency has passed,
 * so waiting requests hold no thread (thousands can be in flight, as against the real API)
 * and {@code maxConcurrent} measures the client's concurrency. The configuration can be
 * swapped at any time.
 */
public final class GeminiSimulator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GeminiSimulator.class);
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";
    private static final Pattern MODEL_PATH = Pattern.compile("^/v1beta/models/(?<model>[^/:]+):(?<method>[A-Za-z]+)$");
    private static final Pattern VERTEX_PATH = Pattern.compile(
            "^/v1(?:beta1)?/projects/[^/]+/locations/[^/]+/publishers/google/models/(?<model>[^/:]+):(?<method>[A-Za-z]+)$");

    private final HttpServer server;
    private final ExecutorService threads;
    private final ScheduledExecutorService answers;
    private final SimulatorCounters counters = new SimulatorCounters();
    private final ModelEndpoints endpoints = new ModelEndpoints(counters);
    private final BatchEndpoints batches = new BatchEndpoints(counters);
    private final AccessTokens tokens = new AccessTokens();
    private volatile SimulatorConfig config;
    private volatile Admission admission;

    private GeminiSimulator(SimulatorConfig config) throws IOException {
        this.config = config;
        this.admission = new Admission(config);
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "gemini-simulator-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
        AtomicInteger answerCount = new AtomicInteger();
        this.answers = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "gemini-simulator-answers-" + answerCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
    }

    /** Starts a simulator; it listens until {@link #close()}. */
    public static GeminiSimulator start(SimulatorConfig config) {
        // The JDK's HTTP server writes a response's headers and body in separate packets and
        // leaves Nagle's algorithm on: with the client's delayed ACK that added tens of
        // milliseconds to every answer, a latency no real Gemini endpoint has. Read once, when
        // the first server starts; a value set on the command line wins.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
        try {
            GeminiSimulator simulator = new GeminiSimulator(config);
            simulator.server.start();
            log.info("Gemini simulator listening at {}", simulator.baseUrl());
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the Gemini simulator on " + config.host() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
    }

    /** The URL to give the SDK as {@code HttpOptions.baseUrl}, e.g. {@code http://localhost:8089}. */
    public String baseUrl() {
        return "http://" + config.host() + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatorConfig config() {
        return config;
    }

    /** Swaps latency, faults and quotas; host, port and key stay as started. Quota windows restart. */
    public void updateConfig(SimulatorConfig updated) {
        SimulatorConfig kept = updated.toBuilder().host(config.host()).port(config.port()).build();
        this.admission = new Admission(kept);
        this.config = kept;
    }

    /** The tokens of {@code text} as this simulator counts them against {@code tokensPerMinute}. */
    public static long tokens(String text) {
        return ModelEndpoints.tokens(text);
    }

    public SimulatorCounters counters() {
        return counters;
    }

    /** Requests to the OAuth token endpoint so far (Vertex AI credentials fetching a token). */
    public long accessTokenRequests() {
        return tokens.requests();
    }

    /** Zeroes the counters and restarts the quota windows. */
    public void reset() {
        counters.reset();
        admission.reset();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.startsWith("/simulator/")) {
            try (exchange) {
                handleAdmin(exchange, path);
            }
            return;
        }
        if (path.equals(AccessTokens.PATH)) {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                AccessTokens.Answer token = tokens.answer(exchange.getRequestMethod(),
                        new String(in.readAllBytes(), StandardCharsets.UTF_8));
                send(exchange, token.status(), token.body());
            }
            return;
        }
        counters.requestStarted(path);
        if (BatchEndpoints.handles(path)) {
            // Batch jobs answer at once; the online quotas, faults and latency are not theirs.
            answer(exchange, () -> batchAnswer(exchange, path));
            return;
        }
        Admitted admitted;
        try {
            admitted = admit(exchange, path);
        } catch (GeminiRequestException rejected) {
            // Refusals (bad request, quota) come back at once, as the API's do.
            answer(exchange, () -> {
                throw rejected;
            });
            return;
        }
        long latencyNanos = admitted.latency().toNanos();
        counters.itemsAdmitted(admitted.items());
        Supplier<Object> answer = () -> {
            counters.itemsAnswered(admitted.items());
            return admitted.answer().get();
        };
        if (latencyNanos <= 0) {
            answer(exchange, answer);
        } else {
            answers.schedule(() -> answer(exchange, answer), latencyNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** An admitted request: its answer, to be sent once its latency has passed, and the prompts or texts it carries. */
    private record Admitted(Supplier<Object> answer, Duration latency, int items) {
    }

    /** Sends the answer (or the error it throws), then closes the exchange. */
    private void answer(HttpExchange exchange, Supplier<Object> answer) {
        try (exchange) {
            try {
                send(exchange, 200, Json.toBytes(answer.get()));
            } catch (GeminiRequestException rejected) {
                counters.rejected(rejected.error().code(), rejected.kind());
                send(exchange, rejected.error().code(), rejected.error().body());
            }
        } catch (IOException | RuntimeException e) {
            log.debug("Could not answer {}: {}", exchange.getRequestURI(), e.toString());
        } finally {
            counters.requestFinished();
        }
    }

    private Admitted admit(HttpExchange exchange, String path) throws IOException {
        SimulatorConfig current = config;
        Admission gate = admission;
        Matcher vertex = VERTEX_PATH.matcher(path);
        Matcher matcher = vertex.matches() ? vertex : MODEL_PATH.matcher(path);
        if (!"POST".equals(exchange.getRequestMethod()) || !matcher.matches()) {
            throw new GeminiRequestException(ApiError.notFound("Unknown path " + exchange.getRequestMethod() + " " + path));
        }
        if (matcher == vertex) {
            tokens.check(exchange.getRequestHeaders().getFirst("Authorization"));
        } else if (!current.apiKey().equals(apiKey(exchange))) {
            throw new GeminiRequestException(ApiError.invalidApiKey());
        }
        JsonNode body = readBody(exchange);
        String model = matcher.group("model");
        String method = matcher.group("method");
        ModelCall call = matcher == vertex && method.equals("predict")
                ? VertexPredict.call(endpoints, model, body, current)
                : endpoints.parse(method, model, body, current);
        // Quotas count a request when it arrives, as the API does; the latency is the answer's.
        gate.admit(call, model, method);
        return new Admitted(call.answer()::get, gate.latency(), (int) call.requestUnits());
    }

    private Object batchAnswer(HttpExchange exchange, String path) {
        SimulatorConfig current = config;
        if (!current.apiKey().equals(apiKey(exchange))) {
            throw new GeminiRequestException(ApiError.invalidApiKey());
        }
        String method = exchange.getRequestMethod();
        JsonNode body = "POST".equals(method) ? readBody(exchange) : null;
        return batches.answer(method, path, exchange.getRequestURI().getRawQuery(), body, current);
    }

    /** The request's JSON object, or a 400 as the API answers malformed JSON. */
    private static JsonNode readBody(HttpExchange exchange) {
        JsonNode body;
        try (InputStream in = exchange.getRequestBody()) {
            body = Json.MAPPER.readTree(in);
        } catch (IOException e) {
            throw new GeminiRequestException(ApiError.invalidArgument("Invalid JSON payload received. " + e.getMessage()));
        }
        if (body == null || !body.isObject()) {
            throw new GeminiRequestException(ApiError.invalidArgument("Invalid JSON payload received: not an object"));
        }
        return body;
    }

    private void handleAdmin(HttpExchange exchange, String path) throws IOException {
        if (path.equals("/simulator/stats") && "GET".equals(exchange.getRequestMethod())) {
            send(exchange, 200, Json.toBytes(counters.snapshot()));
        } else if (path.equals("/simulator/reset") && "POST".equals(exchange.getRequestMethod())) {
            reset();
            send(exchange, 200, "{}".getBytes(StandardCharsets.UTF_8));
        } else {
            send(exchange, 404, ApiError.notFound("Unknown admin path " + path).body());
        }
    }

    /** The key from the {@code x-goog-api-key} header, or the {@code key} query parameter. */
    private static String apiKey(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("x-goog-api-key");
        if (header != null) {
            return header;
        }
        URI uri = exchange.getRequestURI();
        String query = uri.getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("key=")) {
                    return pair.substring("key=".length());
                }
            }
        }
        return null;
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        answers.shutdownNow();
        threads.shutdownNow();
    }
}

package io.github.geministreams.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.Setting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} (Prometheus text format) and {@code GET /health} (200 when the
 * application is ready, 503 otherwise, with the Kafka Streams state in a small JSON body).
 * Runs on one daemon thread of its own; scraping never touches a stream thread.
 */
public final class MetricsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Starts listening on {@code port} (0 = a free one) on every interface.
     *
     * @param state the Kafka Streams state; ready means {@code RUNNING}
     * @throws ConfigException if the port cannot be bound (another instance on this host has it),
     *     naming {@code metrics.port}
     */
    public static MetricsServer start(int port, PrometheusMeterRegistry registry, Supplier<String> state) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 0);
        } catch (IOException e) {
            throw new ConfigException("Cannot serve metrics on port " + port + ": " + e.getMessage() + "; set "
                    + Setting.METRICS_PORT.key() + " (" + Setting.METRICS_PORT.envVariable()
                    + ") to a free port, 0 for any free port, or -1 to turn metrics off");
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "gemini-streams-metrics");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            if (allowGet(exchange)) {
                respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
            }
        });
        server.createContext("/health", exchange -> {
            if (allowGet(exchange)) {
                String current = state.get();
                boolean ready = "RUNNING".equals(current);
                String body = "{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"state\":\"" + current + "\"}";
                respond(exchange, ready ? 200 : 503, "application/json", body);
            }
        });
        server.start();
        MetricsServer started = new MetricsServer(server, executor);
        log.info("Metrics at http://localhost:{}/metrics, health at http://localhost:{}/health", started.port(), started.port());
        return started;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static boolean allowGet(HttpExchange exchange) throws IOException {
        if ("GET".equals(exchange.getRequestMethod()) || "HEAD".equals(exchange.getRequestMethod())) {
            return true;
        }
        exchange.getResponseHeaders().add("Allow", "GET, HEAD");
        respond(exchange, 405, "text/plain", "use GET");
        return false;
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

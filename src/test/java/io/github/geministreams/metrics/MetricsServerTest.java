package io.github.geministreams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.config.ConfigException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsServerTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private HttpResponse<String> send(int port, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldReportReadyOnlyWhileKafkaStreamsIsRunning() throws Exception {
        AtomicReference<String> state = new AtomicReference<>("REBALANCING");
        try (MetricsServer server = MetricsServer.start(0, registry, state::get)) {
            HttpResponse<String> rebalancing = send(server.port(), "GET", "/health");
            assertEquals(503, rebalancing.statusCode());
            assertEquals("{\"status\":\"DOWN\",\"state\":\"REBALANCING\"}", rebalancing.body());

            state.set("RUNNING");
            assertEquals(200, send(server.port(), "GET", "/health").statusCode());
        }
    }

    @Test
    void shouldSayInOneLineWhichSettingToChangeWhenThePortIsTaken() throws Exception {
        try (ServerSocket otherInstance = new ServerSocket(0)) {
            int port = otherInstance.getLocalPort();
            ConfigException error = assertThrows(ConfigException.class, () -> MetricsServer.start(port, registry, () -> "RUNNING"));
            assertTrue(error.getMessage().startsWith("Cannot serve metrics on port " + port + ": "), error.getMessage());
            assertTrue(error.getMessage().endsWith("; set metrics.port (GEMINI_STREAMS_METRICS_PORT) to a free port, "
                    + "0 for any free port, or -1 to turn metrics off"), error.getMessage());
            assertFalse(error.getMessage().contains("\n"), error.getMessage());
        }
    }

    @Test
    void shouldServeThePrometheusScrapeOfTheRegistry() throws Exception {
        PipelineMetrics metrics = new PipelineMetrics(registry);
        metrics.promptReceived();
        metrics.promptReceived();
        metrics.deadLettered("parse");
        try (MetricsServer server = MetricsServer.start(0, registry, () -> "RUNNING")) {
            HttpResponse<String> scrape = send(server.port(), "GET", "/metrics");
            assertEquals(200, scrape.statusCode());
            assertTrue(scrape.body().contains("gemini_streams_prompts_in_total 2.0"), scrape.body());
            assertTrue(scrape.body().contains("gemini_streams_dead_lettered_total{stage=\"parse\"} 1.0"), scrape.body());
            assertEquals(405, send(server.port(), "POST", "/metrics").statusCode());
        }
    }
}

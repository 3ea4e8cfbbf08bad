package io.github.geministreams.integration.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.PromptMix;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scrapes {@code /metrics} and {@code /health} of a running instance on the embedded broker,
 * with the simulator injecting 429s, and checks the figures against what really happened:
 * the prompts produced, the outputs read back and the simulator's own counters.
 */
class MetricsEndpointIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int PROMPTS = 300;
    private static final int BAD_EVERY = 10;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldServeOurMetersAndKafkaStreamsMetersWithTheRunsRealFigures() throws Exception {
        TestTopics topics = TestTopics.write(dir, "metrics", 3);
        try (GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder()
                     .latency(Duration.ofMillis(10))
                     .rateLimitErrorRate(0.1)
                     .seed(7)
                     .build())) {
            AppConfig config = InProcessApps.config(KAFKA.bootstrapServers(), simulator,
                    Map.of("application.id", "metrics-app", "topics.file", topics.file.toString(),
                            "state.dir", dir.resolve("state").toString(), "metrics.port", "0",
                            "gemini.max.attempts", "10", "gemini.retry.initial.backoff", "10ms",
                            "gemini.retry.max.backoff", "50ms", "embed.bundle.max.wait", "50ms"));
            try (GeminiClient client = GeminiClients.create(config);
                 StreamsApplication app = new StreamsApplication(config, client)) {
                app.start(Duration.ofSeconds(60));
                // Created once the application has created the topics it reads.
                OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                        topics.deadLetter);
                closer.add(ledger);
                int port = app.metricsPort().orElseThrow();
                HttpResponse<String> health = get(port, "/health");
                assertEquals(200, health.statusCode());
                assertEquals("{\"status\":\"UP\",\"state\":\"RUNNING\"}", health.body());

                PromptMix mix = PromptMix.of(topics.prompts, PROMPTS, BAD_EVERY);
                TestClients.produce(KAFKA.bootstrapServers(), mix.records());
                try (PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "metrics-app", topics.prompts)) {
                    ledger.awaitExactly(mix.expected(), drain, Duration.ofMinutes(2));
                }
                String metrics = get(port, "/metrics").body();
                var stats = simulator.counters().snapshot();
                long bad = mix.expected().deadLetters();

                assertEquals(PROMPTS, value(metrics, "gemini_streams_prompts_in_total", ""));
                assertEquals(bad, value(metrics, "gemini_streams_dead_lettered_total", "stage=\"parse\""));
                assertEquals(mix.expectedOutcomes(), value(metrics, "gemini_streams_outputs_total", "topic=\"responses\"")
                        + value(metrics, "gemini_streams_outputs_total", "topic=\"embeddings\"")
                        + value(metrics, "gemini_streams_outputs_total", "topic=\"dead-letter\""));
                assertTrue(stats.injected429s() > 0, "the simulator injected 429s: " + stats);
                assertEquals(stats.injected429s(), value(metrics, "gemini_streams_gemini_rate_limited_total", "operation=\"generate\"")
                        + value(metrics, "gemini_streams_gemini_rate_limited_total", "operation=\"embed\""));
                assertEquals(stats.injected429s(), value(metrics, "gemini_streams_gemini_retries_total", "operation=\"generate\"")
                        + value(metrics, "gemini_streams_gemini_retries_total", "operation=\"embed\""),
                        "every 429 was retried");
                assertEquals(stats.generateRequests(), value(metrics, "gemini_streams_gemini_request_seconds_count",
                        "operation=\"generate\",outcome=\"ok\"")
                        + value(metrics, "gemini_streams_gemini_request_seconds_count", "operation=\"generate\",outcome=\"429\""));
                assertEquals(stats.batchEmbedRequests(), value(metrics, "gemini_streams_gemini_request_seconds_count",
                        "operation=\"embed\",outcome=\"ok\"")
                        + value(metrics, "gemini_streams_gemini_request_seconds_count", "operation=\"embed\",outcome=\"429\""));
                assertEquals(stats.itemsEmbedded() + stats.promptsGenerated(),
                        value(metrics, "gemini_streams_bundle_size_sum", "task=\"embed\"")
                                + value(metrics, "gemini_streams_bundle_size_sum", "task=\"generate\""),
                        "items dispatched, first attempts only, match what the simulator answered");
                assertEquals(0, value(metrics, "gemini_streams_in_flight", ""));
                // Every attempt waits its turn at the rate limiter once, 429s included: a meter wired
                // to anything else, or a call that skipped the limiter, would not match.
                assertEquals(stats.generateRequests() + stats.batchEmbedRequests(),
                        value(metrics, "gemini_streams_rate_limiter_wait_seconds_count", ""),
                        "one rate-limiter wait per request Gemini received");
                assertTrue(metrics.contains("kafka_stream_thread_process_total"),
                        "Kafka Streams' own metrics are bound too");
            }
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /**
     * The value of one series in Prometheus text format; 0 when absent. {@code labels} are
     * the exact label pairs between the braces, or "" for a series without labels.
     */
    /**
     * The sum of {@code name}'s series that carry every one of {@code labels} (comma-separated,
     * in any order among the others, such as the model of a request); 0 when there is none.
     */
    private static double value(String scrape, String name, String labels) {
        if (labels.isEmpty()) {
            Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(scrape);
            return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
        }
        List<String> wanted = List.of(labels.split(","));
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(scrape);
        double sum = 0;
        while (matcher.find()) {
            if (List.of(matcher.group(1).split(",")).containsAll(wanted)) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }

}

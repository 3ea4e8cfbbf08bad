package io.github.geministreams.integration.pipeline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.AppProcess;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.TestTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backlog of 15,000 prompts of 1 KiB each (15 MiB of prompt text, over three times what
 * 200,000 one-line questions weigh), produced before the start, through one instance with a 256 MiB
 * heap and thousands of requests in flight (10 s of latency, as a long generation takes, under a
 * quota of 10,000 requests a second: Little's law asks for 100,000, capped at max.in.flight's
 * 4,096; the first answers come 10 s after the first request, so even a machine busy elsewhere
 * that dispatches only 300 a second has 3,000 in flight by then): the backlog waits in the
 * pending store, not in the heap, so it completes without an OutOfMemoryError. The peak heap and the peak of requests in flight are read from the
 * instance's own /metrics while it runs.
 */
class BoundedMemoryIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int PROMPTS = 15_000;
    private static final int PROMPT_BYTES = 1024;
    private static final Pattern METRICS_PORT = Pattern.compile("Metrics at http://localhost:(\\d+)/metrics");
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"[^}]*\\} (\\S+)$");
    private static final Pattern IN_FLIGHT = Pattern.compile("(?m)^gemini_streams_in_flight (\\S+)$");
    /** At 10 s of latency, 600,000 requests a minute need 100,000 in flight (Little's law). */
    private static final String QUOTA = "600000";

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    @Test
    void shouldAnswerABacklogOf15MiBOfPromptsWithinA256MiBHeap() throws Exception {
        GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().latency(Duration.ofSeconds(10)).build());
        closer.add(simulator);
        TestTopics topics = TestTopics.write(dir, "memory", 6);
        Map<String, String> settings = new HashMap<>(
                FaultyGeminiScenario.settings("memory-app", topics, dir.resolve("state")));
        settings.put("gemini.rate.requests.per.minute", QUOTA);
        List<String> args = AppProcess.runArgs(KAFKA.bootstrapServers(), settings);
        Map<String, String> env = AppProcess.simulatorEnvironment(simulator);
        // The log goes to target/, where it outlives the test for a look after a failure.
        AppProcess app = AppProcess.start(Path.of("target", "memory-logs", "memory.log"), env, List.of("-Xmx256m"),
                args.toArray(String[]::new));
        closer.add(app);
        app.awaitLog("is RUNNING", Duration.ofSeconds(120));
        Matcher port = METRICS_PORT.matcher(app.logText());
        assertTrue(port.find(), "the instance logged its metrics port");

        ExpectedOutcomes expected = new ExpectedOutcomes();
        long producedIn = produceBacklog(topics.prompts, expected);
        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakInFlight = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        closer.add(sampler::shutdownNow);
        HttpClient http = HttpClient.newHttpClient();
        URI metrics = URI.create("http://localhost:" + port.group(1) + "/metrics");
        sampler.scheduleAtFixedRate(() -> {
            String scrape = scrape(http, metrics);
            peakHeap.accumulateAndGet(sum(HEAP_USED, scrape), Math::max);
            peakInFlight.accumulateAndGet(sum(IN_FLIGHT, scrape), Math::max);
        }, 0, 250, TimeUnit.MILLISECONDS);

        long started = System.nanoTime();
        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), "memory-app", topics.prompts)) {
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                ledger.poll(Duration.ofMillis(500));
                assertTrue(app.isAlive(), "the instance died:\n" + app.tail());
                return ledger.records() >= PROMPTS;
            });
            double seconds = (System.nanoTime() - started) / 1e9;
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
            String log = app.logText();
            assertTrue(!log.contains("OutOfMemoryError"), "no OutOfMemoryError:\n" + app.tail());
            assertTrue(peakHeap.get() > 0, "the heap was sampled");
            assertTrue(peakInFlight.get() >= 2_000, "thousands of requests were in flight: " + peakInFlight.get());
            System.out.printf("bounded memory run: %d prompts (produced in %d s) answered in %.0f s (%.0f prompts/s) "
                            + "with -Xmx256m; %d bytes each; peak heap used %.0f MiB; peak requests in flight %d; "
                            + "0 duplicates, 0 lost, 0 dead-lettered%n",
                    PROMPTS, producedIn, seconds, PROMPTS / seconds, PROMPT_BYTES, peakHeap.get() / 1048576.0, peakInFlight.get());
        }
    }

    private static String scrape(HttpClient http, URI metrics) {
        try {
            return http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return ""; // the instance is busy or stopping; the next sample counts
        }
    }

    /** The sum of the samples {@code meter} matches in a Prometheus scrape (heap: one per pool). */
    private static long sum(Pattern meter, String scrape) {
        Matcher samples = meter.matcher(scrape);
        long total = 0;
        while (samples.find()) {
            total += (long) Double.parseDouble(samples.group(1));
        }
        return total;
    }

    /** Produces the backlog, each prompt owing an answer; returns the seconds it took. */
    private static long produceBacklog(String topic, ExpectedOutcomes expected) {
        long started = System.nanoTime();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < PROMPTS; i++) {
                String id = "m-" + i;
                String question = "Question " + i + ": why? ";
                String prompt = question + "x".repeat(PROMPT_BYTES - question.length());
                producer.send(new ProducerRecord<>(topic, id.getBytes(UTF_8), prompt.getBytes(UTF_8)));
                expected.answered(id, "generate");
            }
            producer.flush();
        }
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    }
}

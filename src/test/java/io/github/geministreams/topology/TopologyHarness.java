package io.github.geministreams.topology;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.app.StreamsProperties;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.serde.Json;
import io.github.geministreams.topics.TopicRole;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The pipeline's topology, wired by {@link PromptTopology#build}, on a {@link TopologyTestDriver}
 * with a Gemini client of the test's choice: the prompts topic to pipe into, the output topics
 * to read, and a wall clock the test advances by the punctuator's {@link #TICK}.
 *
 * <p>Gemini answers on the client's own threads, so an output appears only once the test has
 * advanced the clock far enough ({@link #drain}, {@link #settle}). Owns the client: closing
 * the harness closes the driver, the services and the client. Used from the test's thread only.
 */
final class TopologyHarness implements AutoCloseable {
    /** The punctuation interval of {@link #config}: the step the wall clock advances by. */
    static final Duration TICK = Duration.ofMillis(10);

    /** Three attempts a call, a millisecond or two apart: a retried call costs a test no time. */
    static final Map<String, String> FAST_RETRIES = Map.of(
            "gemini.max.attempts", "3",
            "gemini.retry.initial.backoff", "1ms",
            "gemini.retry.max.backoff", "2ms");

    private final GeminiClient client;
    private final InstanceServices services;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> prompts;
    private final TestOutputTopic<byte[], byte[]> responses;
    private final TestOutputTopic<byte[], byte[]> embeddings;
    private final TestOutputTopic<byte[], byte[]> deadLetters;
    private final TestOutputTopic<byte[], byte[]> jobs;
    private final TestOutputTopic<byte[], byte[]> batchJobs;

    /** The topology of {@code config}, calling Gemini through {@code client}, which the harness closes. */
    TopologyHarness(AppConfig config, GeminiClient client) {
        this(config, client, null);
    }

    /** As {@link #TopologyHarness(AppConfig, GeminiClient)}, with batch-mode prompts sent to {@code batchClient}. */
    TopologyHarness(AppConfig config, GeminiClient client, GeminiBatchClient batchClient) {
        this.client = client;
        this.services = new InstanceServices(config, client);
        if (batchClient != null) {
            services.useBatchClient(batchClient);
        }
        var props = StreamsProperties.of(config);
        props.put("bootstrap.servers", "unused:9092");
        try {
            driver = new TopologyTestDriver(PromptTopology.build(config, services), props);
        } catch (RuntimeException e) {
            services.close();
            client.close();
            throw e;
        }
        ByteArraySerializer serializer = new ByteArraySerializer();
        ByteArrayDeserializer deserializer = new ByteArrayDeserializer();
        prompts = driver.createInputTopic(config.topics().name(TopicRole.PROMPTS), serializer, serializer);
        responses = output(config, TopicRole.RESPONSES, deserializer);
        embeddings = output(config, TopicRole.EMBEDDINGS, deserializer);
        deadLetters = output(config, TopicRole.DEAD_LETTER, deserializer);
        jobs = output(config, TopicRole.JOBS, deserializer);
        batchJobs = output(config, TopicRole.BATCH_JOBS, deserializer);
    }

    /**
     * The defaults, with punctuation every {@link #TICK}, embeddings of 8 dimensions (small vectors
     * from the fakes) and the state under {@code stateDir}, then {@code settings} over them.
     */
    static AppConfig config(Path stateDir, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(Map.of(
                "punctuate.interval", TICK.toMillis() + "ms",
                "gemini.embed.dimensions", "8",
                "state.dir", stateDir.toString()));
        all.putAll(settings);
        return ConfigLayers.defaults().withAll(all).build();
    }

    private TestOutputTopic<byte[], byte[]> output(AppConfig config, TopicRole role, ByteArrayDeserializer deserializer) {
        return driver.createOutputTopic(config.topics().name(role), deserializer, deserializer);
    }

    TopologyTestDriver driver() {
        return driver;
    }

    InstanceServices services() {
        return services;
    }

    TestInputTopic<byte[], byte[]> prompts() {
        return prompts;
    }

    TestOutputTopic<byte[], byte[]> responses() {
        return responses;
    }

    TestOutputTopic<byte[], byte[]> embeddings() {
        return embeddings;
    }

    TestOutputTopic<byte[], byte[]> deadLetters() {
        return deadLetters;
    }

    TestOutputTopic<byte[], byte[]> jobs() {
        return jobs;
    }

    TestOutputTopic<byte[], byte[]> batchJobs() {
        return batchJobs;
    }

    /** Pipes a prompt in, UTF-8 encoded; a null key or value is sent as null. */
    void send(String key, String value) {
        prompts.pipeInput(key == null ? null : key.getBytes(UTF_8), value == null ? null : value.getBytes(UTF_8));
    }

    /** Advances the wall clock tick by tick until {@code expected} records wait in {@code topic}. */
    List<TestRecord<byte[], byte[]>> drain(TestOutputTopic<byte[], byte[]> topic, int expected) {
        List<TestRecord<byte[], byte[]>> records = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(TICK);
            records.addAll(topic.readRecordsToList());
            return records.size() >= expected;
        });
        return records;
    }

    /** Advances the wall clock until every prompt is settled and no request is open: nothing more can come. */
    void settle() {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            driver.advanceWallClockTime(TICK);
            return services.pacing().inFlight() == 0 && pendingStoreIsEmpty();
        });
    }

    boolean pendingStoreIsEmpty() {
        var store = driver.<String, Object>getKeyValueStore(GeminiProcessorSupplier.STORE_NAME);
        try (var all = store.all()) {
            return !all.hasNext();
        }
    }

    /** A counter of the pipeline's metrics, 0 when it was never incremented. */
    double counter(String name, String... tags) {
        var counter = services.metrics().registry().find("gemini.streams." + name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }

    /** A prompt record's JSON: {@code tasks} is a comma-separated list of quoted task names. */
    static String prompt(String id, String text, String tasks) {
        return "{\"id\":\"" + id + "\",\"prompt\":\"" + text + "\",\"tasks\":[" + tasks + "]}";
    }

    /** A prompt record's JSON asking for an embedding only. */
    static String embedPrompt(String id, String text) {
        return prompt(id, text, "\"embed\"");
    }

    static JsonNode json(TestRecord<byte[], byte[]> record) throws IOException {
        return Json.MAPPER.readTree(record.value());
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            try {
                services.close();
            } finally {
                client.close();
            }
        }
    }
}

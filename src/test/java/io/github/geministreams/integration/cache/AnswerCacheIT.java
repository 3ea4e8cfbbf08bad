package io.github.geministreams.integration.cache;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.DeterministicEmbedding;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import io.github.geministreams.testing.Closer;
import io.github.geministreams.testing.EmbeddedKafkaExtension;
import io.github.geministreams.testing.ExpectedOutcomes;
import io.github.geministreams.testing.FaultyGeminiScenario;
import io.github.geministreams.testing.InProcessApps;
import io.github.geministreams.testing.OutcomeLedger;
import io.github.geministreams.testing.PipelineDrain;
import io.github.geministreams.testing.TestClients;
import io.github.geministreams.testing.TestTopics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The answer cache across partitions and instances, through the real SDK and the simulator:
 * two instances share six prompts partitions, and half the texts embedded are repeats of
 * texts embedded before, under other ids and keys (so mostly on other partitions, often on the
 * other instance). Every prompt is answered exactly once, every vector, cached or not, is the
 * one the simulator computes for its text, and the simulator embeds about one text per two
 * items.
 *
 * <p>A repeat that arrives while the first answer to its text is still at Gemini (not yet
 * committed to the cache topic) waits for that answer when the first copy is open on the same
 * instance, or when the first copy's in-flight marker on another instance has reached this
 * instance's cache store. The last round measures that case, texts repeated within one burst,
 * and prints its figure: with one instance (every repeat is answered from its first copy); with
 * two and every copy at once (a repeat read on the other instance before the first copy's marker
 * has committed is embedded again); with two, the repeats coming once the markers have committed,
 * the first copies still at Gemini (every repeat waits for its first copy's answer).
 */
class AnswerCacheIT {
    @RegisterExtension
    static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();
    private static final int TEXTS = 150;
    private static final int BURST_TEXTS = 60;
    private static final int DIMENSIONS = 64;
    private static final Duration FAST = Duration.ofMillis(20);
    /**
     * Long enough for a first copy's in-flight marker to commit and reach the other instance's
     * cache store (a commit interval and a read) while the first copy is still at Gemini.
     */
    private static final Duration SLOW = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @RegisterExtension
    final Closer closer = new Closer();

    private final Map<String, String> textById = new HashMap<>();
    private final ExpectedOutcomes expected = new ExpectedOutcomes();
    private final Random random = new Random(13);

    private List<ProducerRecord<byte[], byte[]>> prompts(TestTopics topics, String prefix, List<String> texts) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String id = prefix + "-" + i;
            textById.put(id, texts.get(i));
            expected.answered(id, "embed");
            records.add(TestClients.record(topics.prompts, id,
                    "{\"id\":\"" + id + "\",\"prompt\":\"" + texts.get(i) + "\",\"tasks\":[\"embed\"]}"));
        }
        return records;
    }

    /** In-flight markers committed to the cache topic. */
    private static long markers(TestTopics topics) throws IOException {
        long markers = 0;
        for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(KAFKA.bootstrapServers(), topics.cache)) {
            if (record.value() != null && Json.MAPPER.readTree(record.value()).has("pendingUntilMillis")) {
                markers++;
            }
        }
        return markers;
    }

    /** Texts embedded per item in the two measured rounds. */
    private record Figures(double repeatedLater, double repeatedInBurst) {
    }

    @Test
    void shouldEmbedARepeatedTextOnceAcrossPartitionsAndInstances() throws Exception {
        Figures figures = run(List.of("a", "b"), FAST, false);
        assertTrue(figures.repeatedLater() <= 0.55, "texts embedded per item " + figures.repeatedLater());
    }

    @Test
    void shouldHoldARepeatWhoseFirstCopyIsAtGeminiOnTheOtherInstance() throws Exception {
        Figures figures = run(List.of("a", "b"), SLOW, true);
        assertTrue(figures.repeatedLater() <= 0.55, "texts embedded per item " + figures.repeatedLater());
        assertTrue(figures.repeatedInBurst() <= 0.55, "texts embedded per item in the burst " + figures.repeatedInBurst());
    }

    @Test
    void shouldEmbedATextRepeatedInOneBurstOnceOnOneInstance() throws Exception {
        Figures figures = run(List.of("a"), FAST, false);
        assertTrue(figures.repeatedLater() <= 0.55, "texts embedded per item " + figures.repeatedLater());
        // Each repeat's first copy is open on the same instance (or answered): it waits for that answer.
        assertTrue(figures.repeatedInBurst() <= 0.55, "texts embedded per item in the burst " + figures.repeatedInBurst());
    }

    /**
     * @param latency          the simulator's latency per request
     * @param repeatsAtGemini  true: the burst's repeats come once the first copies' in-flight markers have
     *                         committed (the first copies still at Gemini); false: every copy at once
     */
    private Figures run(List<String> instances, Duration latency, boolean repeatsAtGemini) throws Exception {
        GeminiSimulator simulator = closer.add(GeminiSimulator.start(SimulatorConfig.builder()
                .latency(latency).build()));
        // Topics and application of their own per run: the broker is shared.
        String name = "cache" + instances.size() + "-" + latency.toMillis();
        TestTopics topics = TestTopics.write(dir, name, 6);
        for (String instance : instances) {
            Map<String, String> settings = new HashMap<>(
                    FaultyGeminiScenario.settings(name + "-app", topics, dir.resolve("state-" + instance)));
            settings.put("metrics.port", "-1");
            settings.put("gemini.embed.dimensions", Integer.toString(DIMENSIONS));
            InProcessApps.start(closer, InProcessApps.config(KAFKA.bootstrapServers(), simulator, settings));
        }
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < TEXTS; i++) {
            texts.add("chunk " + i + " of a document that is embedded again");
        }

        try (OutcomeLedger ledger = new OutcomeLedger(KAFKA.bootstrapServers(), topics.responses, topics.embeddings,
                topics.deadLetter);
             PipelineDrain drain = new PipelineDrain(KAFKA.bootstrapServers(), name + "-app", topics.prompts)) {
            // Round 1: each text once. Round 2: each again, shuffled, under other ids and keys.
            TestClients.produce(KAFKA.bootstrapServers(), prompts(topics, "first", texts));
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
            List<String> again = new ArrayList<>(texts);
            Collections.shuffle(again, random);
            TestClients.produce(KAFKA.bootstrapServers(), prompts(topics, "again", again));
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
            long embeddedLater = simulator.counters().snapshot().itemsEmbedded();

            // Round 3: new texts, each twice in one burst: the repeat may come while the first is at Gemini.
            List<String> burst = new ArrayList<>();
            for (int i = 0; i < BURST_TEXTS; i++) {
                burst.add("burst text " + i);
                burst.add("burst text " + i);
            }
            Collections.shuffle(burst, random);
            if (repeatsAtGemini) {
                List<String> firsts = burst.stream().distinct().toList();
                long markersBefore = markers(topics);
                TestClients.produce(KAFKA.bootstrapServers(), prompts(topics, "burst-first", firsts));
                await().atMost(Duration.ofSeconds(30)).until(() -> markers(topics) >= markersBefore + firsts.size());
                assertTrue(simulator.counters().snapshot().itemsEmbedded() - embeddedLater < BURST_TEXTS,
                        "the first copies are still at Gemini");
                List<String> repeats = new ArrayList<>(firsts);
                Collections.shuffle(repeats, random);
                TestClients.produce(KAFKA.bootstrapServers(), prompts(topics, "burst-repeat", repeats));
            } else {
                TestClients.produce(KAFKA.bootstrapServers(), prompts(topics, "burst", burst));
            }
            ledger.awaitExactly(expected, drain, Duration.ofMinutes(1));
            long embeddedInBurst = simulator.counters().snapshot().itemsEmbedded() - embeddedLater;

            int cached = 0;
            for (ConsumerRecord<byte[], byte[]> record : TestClients.readCommitted(KAFKA.bootstrapServers(),
                    topics.embeddings)) {
                JsonNode embedding = Json.MAPPER.readTree(record.value());
                String id = embedding.get("id").asText();
                float[] values = Json.MAPPER.treeToValue(embedding.get("values"), float[].class);
                assertArrayEquals(DeterministicEmbedding.of(textById.get(id), DIMENSIONS), values, embedding.toString());
                if (embedding.path("cached").asBoolean(false)) {
                    cached++;
                    assertEquals(0, embedding.get("attempts").asInt(), embedding.toString());
                }
            }
            double perItemLater = (double) embeddedLater / (2 * TEXTS);
            double perItemBurst = (double) embeddedInBurst / (2 * BURST_TEXTS);
            System.out.printf("cache run, %d instance(s): %d embedded items, %d cached; texts embedded per item: "
                            + "%.3f with repeats after the first answer (%d/%d), %.3f with repeats in one burst (%d/%d); "
                            + "simulator %s%n",
                    instances.size(), textById.size(), cached, perItemLater, embeddedLater, 2 * TEXTS, perItemBurst,
                    embeddedInBurst, 2 * BURST_TEXTS, simulator.counters().snapshot());
            assertTrue(cached >= TEXTS - (embeddedLater - TEXTS), "cached outputs " + cached);
            assertTrue(embeddedInBurst >= BURST_TEXTS, "every new text was embedded at least once");
            assertTrue(cached >= 2 * TEXTS + 2 * BURST_TEXTS - embeddedLater - embeddedInBurst,
                    "every item not embedded itself is cached: " + cached);
            return new Figures(perItemLater, perItemBurst);
        }
    }
}

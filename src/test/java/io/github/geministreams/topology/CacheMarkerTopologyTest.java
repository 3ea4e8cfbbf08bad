package io.github.geministreams.topology;

import static io.github.geministreams.topology.TopologyHarness.json;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.serde.Json;
import io.github.geministreams.testing.FakeGeminiClient;
import io.github.geministreams.topics.TopicRole;
import io.github.geministreams.topology.cache.CacheEntry;
import io.github.geministreams.topology.cache.CacheKey;
import io.github.geministreams.topology.cache.HeldRepeats;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A repeat whose first copy is at Gemini on another instance: that instance's in-flight marker,
 * read into the cache store, holds the repeat ({@link HeldRepeats}) until the answer reaches the
 * cache, or sends it to Gemini once the marker is gone without one. The other instance is played
 * by records piped into the cache topic.
 */
class CacheMarkerTopologyTest {
    private static final String TEXT = "a text the other instance is embedding";
    private static final Duration A_SECOND = Duration.ofSeconds(1);
    /** How long the other instance's markers last: the pipeline's clock starts up to a few seconds after the test's. */
    private static final Duration MARKER_TIME = Duration.ofSeconds(30);
    /** A repeat's own longest wait, far beyond the markers': they, not it, end the waits here. */
    private static final String REQUEST_TIMEOUT = "10m";
    private static final Duration STEP = Duration.ofMillis(100);

    @RegisterExtension
    final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of("gemini.request.timeout", REQUEST_TIMEOUT));

    private TopologyHarness pipeline;
    private FakeGeminiClient gemini;
    private TestInputTopic<byte[], byte[]> cacheTopic;
    private String cacheKey;

    /** @return the wall clock when the pipeline started: its clock starts there or later */
    private long start() {
        AppConfig config = harnesses.config(Map.of());
        AppConfig.GeminiSettings settings = config.gemini();
        cacheKey = CacheKey.embed(settings.embedModel(), settings.embedDimensions(),
                settings.embedTaskType().orElse(null), TEXT);
        long started = System.currentTimeMillis();
        gemini = new FakeGeminiClient();
        pipeline = harnesses.start(config, gemini);
        ByteArraySerializer bytes = new ByteArraySerializer();
        cacheTopic = pipeline.driver().createInputTopic(config.topics().name(TopicRole.CACHE), bytes, bytes);
        return started;
    }

    private void otherInstanceWrites(CacheEntry entry) {
        cacheTopic.pipeInput(CacheKey.bytes(cacheKey), Json.toBytes(entry));
    }

    private void send(String id) {
        pipeline.send(id, "{\"id\":\"" + id + "\",\"prompt\":\"" + TEXT + "\",\"tasks\":[\"embed\"]}");
    }

    /** Advances the clock in steps of {@link #STEP} (a punctuation each): longer than a tick, so that a test stays quick. */
    private void advance(Duration duration) {
        for (long at = 0; at < duration.toMillis(); at += STEP.toMillis()) {
            pipeline.driver().advanceWallClockTime(STEP);
        }
    }

    @Test
    void shouldHoldARepeatOnAnotherInstancesMarkerUntilItsAnswerArrives() throws IOException {
        long now = start();
        otherInstanceWrites(CacheEntry.marker(now, now + MARKER_TIME.toMillis(), "other-instance"));
        send("repeat");
        advance(A_SECOND);
        assertEquals(0, gemini.embedCalls(), "held, not sent");
        assertTrue(pipeline.embeddings().isEmpty());
        assertFalse(pipeline.pendingStoreIsEmpty(), "the held repeat stays pending");

        float[] vector = {1, 2, 3, 4, 5, 6, 7, 8};
        otherInstanceWrites(new CacheEntry(now + 1, "the-other-model", vector, null));
        List<TestRecord<byte[], byte[]>> outputs = pipeline.drain(pipeline.embeddings(), 1);
        assertEquals(1, outputs.size());
        JsonNode repeat = json(outputs.get(0));
        assertEquals("repeat", repeat.get("id").asText());
        assertTrue(repeat.get("cached").asBoolean(), repeat.toString());
        assertEquals("[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]", repeat.get("values").toString());
        assertEquals("the-other-model", repeat.get("model").asText());
        assertEquals(0, gemini.embedCalls(), "answered from the other instance's answer");
        assertEquals(1.0, pipeline.counter("cache.hits", "task", "embed"));
        pipeline.settle();
        assertTrue(pipeline.embeddings().isEmpty(), "answered once");
    }

    @Test
    void shouldSendARepeatToGeminiOnceTheMarkersTimeIsUp() throws IOException {
        long now = start();
        otherInstanceWrites(CacheEntry.marker(now, now + MARKER_TIME.toMillis(), "other-instance"));
        send("repeat");
        advance(A_SECOND);
        assertEquals(0, gemini.embedCalls(), "held, not sent");
        // Past the marker's time, well before a repeat's own longest wait (a request timeout).
        pipeline.driver().advanceWallClockTime(MARKER_TIME);
        List<TestRecord<byte[], byte[]>> outputs = pipeline.drain(pipeline.embeddings(), 1);
        JsonNode repeat = json(outputs.get(0));
        assertFalse(repeat.has("cached"), repeat.toString());
        assertEquals(1, gemini.embedCalls());
        pipeline.settle();
        assertTrue(pipeline.embeddings().isEmpty(), "answered once");
        assertEquals(1, gemini.embedCalls());
    }

    @Test
    void shouldSendARepeatToGeminiWhenTheOtherInstanceWithdrawsItsMarker() throws IOException {
        long now = start();
        otherInstanceWrites(CacheEntry.marker(now, now + MARKER_TIME.toMillis(), "other-instance"));
        send("repeat");
        advance(A_SECOND);
        assertEquals(0, gemini.embedCalls(), "held, not sent");

        // Its first copy was dead-lettered: the marker is withdrawn, well before its time is up.
        otherInstanceWrites(CacheEntry.marker(now + 1, now + 1, "other-instance"));
        List<TestRecord<byte[], byte[]>> outputs = pipeline.drain(pipeline.embeddings(), 1);
        assertFalse(json(outputs.get(0)).has("cached"));
        assertEquals(1, gemini.embedCalls());
    }

    @Test
    void shouldWriteAMarkerForAFirstCopyAndNotWaitOnItsOwn() throws IOException {
        start();
        var cacheOut = pipeline.driver().createOutputTopic(
                harnesses.config(Map.of()).topics().name(TopicRole.CACHE),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        send("first");
        pipeline.drain(pipeline.embeddings(), 1);
        pipeline.settle();
        List<TestRecord<byte[], byte[]>> written = cacheOut.readRecordsToList();
        assertEquals(2, written.size(), "a marker, then the answer");
        CacheEntry marker = Json.fromBytes(written.get(0).value(), CacheEntry.class);
        assertTrue(marker.pending(), marker.toString());
        assertEquals(pipeline.services().openCacheKeys().instance(), marker.pendingOn());
        assertEquals(cacheKey, new String(written.get(0).key(), UTF_8));
        assertFalse(Json.fromBytes(written.get(1).value(), CacheEntry.class).pending());
        assertEquals(1, gemini.embedCalls());
    }
}

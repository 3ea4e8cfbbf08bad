package io.github.geministreams.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PendingPromptTest {
    private static final double MICRO = 1e-12;

    private static PendingPrompt received() {
        PromptRequest request = new PromptRequest("p1", "text", Set.of(Task.GENERATE, Task.EMBED), null, null,
                "job", 1L, null);
        return PendingPrompt.received(request, new SourceCoordinates("prompts", 0, 7, 1_000),
                "k".getBytes(UTF_8), "v".getBytes(UTF_8));
    }

    @Test
    void shouldRememberTheCostOfTheTasksAlreadyFinished() {
        PendingPrompt received = received();
        assertEquals(0, received.costUsd());
        PendingPrompt generated = received.without(Task.GENERATE, false, 0.000_075);
        assertEquals(Set.of(Task.EMBED), generated.remaining());
        PendingPrompt embedded = generated.without(Task.EMBED, false, 0.000_004);
        assertEquals(0.000_079, embedded.costUsd(), MICRO);
        assertFalse(embedded.failed());
    }

    @Test
    void shouldAddNothingForAnOutputWithoutACost() {
        PendingPrompt deadLettered = received().without(Task.GENERATE, true, 0.5).without(Task.EMBED, true, null);
        assertEquals(0.5, deadLettered.costUsd(), MICRO);
        assertTrue(deadLettered.failed());
    }

    @Test
    void shouldReadAnEntryStoredBeforeItsCostAsCostingNothing() throws Exception {
        PendingPrompt generated = received().without(Task.GENERATE, false, 0.25);
        ObjectNode json = (ObjectNode) Json.MAPPER.readTree(Json.toBytes(generated));
        assertEquals(0.25, json.get("costUsd").asDouble(), "the cost is stored");
        json.remove("costUsd");

        PendingPrompt old = Json.fromBytes(Json.MAPPER.writeValueAsBytes(json), PendingPrompt.class);

        assertEquals(0, old.costUsd());
        assertEquals(Set.of(Task.EMBED), old.remaining());
        assertEquals("p1", old.request().id());
    }
}

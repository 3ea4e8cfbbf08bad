package io.github.geministreams.topology.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import java.io.IOException;

/**
 * The value of a dead letter for one task of a prompt that asked for several: the original
 * prompt with {@code "tasks"} set to that task alone, so that a replay of the dead-letter
 * topic re-runs only the task that failed. A JSON prompt keeps every other field as it came;
 * a plain-text prompt becomes the JSON object {@code {"id", "prompt", "tasks"}}. Stateless.
 */
final class ReplayValue {
    private ReplayValue() {
    }

    static byte[] onlyTask(byte[] original, PromptRequest request, Task task) {
        ObjectNode prompt = jsonObject(original);
        if (prompt == null) {
            prompt = Json.MAPPER.createObjectNode();
            prompt.put("id", request.id());
            prompt.put("prompt", request.prompt());
        }
        prompt.putArray("tasks").add(task.wireName());
        return Json.toBytes(prompt);
    }

    /** The value as a JSON object, or null for a plain-text prompt. */
    private static ObjectNode jsonObject(byte[] value) {
        try {
            JsonNode node = Json.MAPPER.readTree(value);
            return node instanceof ObjectNode object ? object : null;
        } catch (IOException | RuntimeException notJson) {
            return null;
        }
    }
}

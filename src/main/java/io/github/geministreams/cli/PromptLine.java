package io.github.geministreams.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import java.util.List;

/**
 * Turns one line of a prompt file into the key and value of a prompts record. Stateless.
 *
 * <p>The pipeline decides what a value means (plain text, or a JSON prompt object when it
 * starts with {@code '{'}), so this class changes a line only where the user asked for it:
 * {@code --tasks} adds the tasks, and {@code --format text} wraps a line that would
 * otherwise be read as JSON. A line that is not valid JSON in JSONL is sent unchanged: the
 * pipeline dead-letters it with the reason, so nothing is dropped silently here.
 */
final class PromptLine {
    /** How the lines of a file are read. */
    enum Format {
        /** A line whose first non-blank character is '{' is a JSON prompt object; any other is text. */
        AUTO,
        /** Every line is a prompt text, even one that starts with '{'. */
        TEXT,
        /** Every line is a JSON prompt object. */
        JSONL
    }

    private final Format format;
    private final List<Task> tasks;

    /** @param tasks tasks to set on every prompt that names none; empty = the application's default */
    PromptLine(Format format, List<Task> tasks) {
        this.format = format;
        this.tasks = List.copyOf(tasks);
    }

    /** A record to send, or null for a blank line (which is not a prompt). */
    KeyValue toRecord(String line) {
        if (line.isBlank()) {
            return null;
        }
        boolean looksLikeJson = line.stripLeading().startsWith("{");
        boolean json = switch (format) {
            case AUTO -> looksLikeJson;
            case TEXT -> false;
            case JSONL -> true;
        };
        if (json) {
            return jsonRecord(line);
        }
        if (tasks.isEmpty() && !looksLikeJson) {
            return new KeyValue(null, line.getBytes(UTF_8));
        }
        ObjectNode prompt = Json.MAPPER.createObjectNode().put("prompt", line);
        addTasks(prompt);
        return new KeyValue(null, Json.toBytes(prompt));
    }

    private KeyValue jsonRecord(String line) {
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(line);
        } catch (JsonProcessingException notJson) {
            return new KeyValue(null, line.getBytes(UTF_8));
        }
        if (!(node instanceof ObjectNode prompt)) {
            return new KeyValue(null, line.getBytes(UTF_8));
        }
        byte[] key = prompt.path("id").isTextual() ? prompt.get("id").asText().getBytes(UTF_8) : null;
        if (tasks.isEmpty() || prompt.has("tasks")) {
            return new KeyValue(key, line.getBytes(UTF_8));
        }
        addTasks(prompt);
        return new KeyValue(key, Json.toBytes(prompt));
    }

    private void addTasks(ObjectNode prompt) {
        if (!tasks.isEmpty()) {
            ArrayNode names = prompt.putArray("tasks");
            tasks.forEach(task -> names.add(task.wireName()));
        }
    }

    /** Key (null when the prompt has no id) and value bytes. */
    record KeyValue(byte[] key, byte[] value) {
    }
}

package io.github.geministreams.topology.cache;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;
import io.github.geministreams.serde.Json;
import io.github.geministreams.support.Sha256;
import io.github.geministreams.topology.online.TaskModel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The key of a request in the answer cache: the SHA-256 (lower-case hex) of everything that
 * decides its answer. For an embed task: model, dimensions, task type and text. For a generate
 * task: model, system instruction, the content (text and parts) and the generation settings.
 * The fields are hashed as one canonical JSON array (map entries sorted by key), so that no two
 * different requests share an input and the key is the same on every instance and version of
 * the JVM. Stateless and thread-safe.
 */
public final class CacheKey {
    /** Canonical: map entries (generation labels) in key order, whatever order they were read in. */
    private static final ObjectMapper CANONICAL = Json.MAPPER.copy()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private CacheKey() {
    }

    /** The key of {@code task} of {@code request}, sent as {@code gemini} configures it. */
    static String of(Task task, PromptRequest request, AppConfig.GeminiSettings gemini) {
        String model = TaskModel.modelOf(task, request, gemini);
        return task == Task.EMBED
                ? embed(model, gemini.embedDimensions(), gemini.embedTaskType().orElse(null), request.prompt())
                : generate(model, request);
    }

    /**
     * @param dimensions the requested output dimensionality (0 = the model's default)
     * @param taskType   the embedding task type, or null for none
     */
    public static String embed(String model, int dimensions, String taskType, String text) {
        return sha256(Arrays.asList("embed", model, dimensions, taskType, text));
    }

    static String generate(String model, PromptRequest request) {
        return sha256(Arrays.asList("generate", model, request.system(), request.prompt(), request.parts(),
                request.generation()));
    }

    private static String sha256(Object fields) {
        try {
            return Sha256.hex(CANONICAL.writeValueAsBytes(fields));
        } catch (JsonProcessingException e) {
            throw new SerializationException("Cannot write a cache key's fields as JSON", e);
        }
    }

    public static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}

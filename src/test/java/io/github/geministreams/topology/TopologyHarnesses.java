package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiBatchClient;
import io.github.geministreams.gemini.GeminiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a test's {@link TopologyHarness} on the test class's own default settings and closes it
 * after each test, even when the test failed:
 * {@code @RegisterExtension final TopologyHarnesses harnesses = new TopologyHarnesses(Map.of(...));}
 * then {@code harnesses.start(overrides, client)}. Every topology test builds its harness here.
 *
 * <p>The state lives in a fresh directory per test, deleted after it. Used from the test's thread only.
 */
final class TopologyHarnesses implements AfterEachCallback {
    private final Map<String, String> defaults;
    private Path stateDir;
    private TopologyHarness current;

    /** {@code defaults} are the settings of every harness this starts, over {@link TopologyHarness#config}'s. */
    TopologyHarnesses(Map<String, String> defaults) {
        this.defaults = Map.copyOf(defaults);
    }

    /** As {@link #TopologyHarnesses(Map)}, over {@code preset} (such as {@link TopologyHarness#FAST_RETRIES}). */
    TopologyHarnesses(Map<String, String> preset, Map<String, String> defaults) {
        Map<String, String> all = new HashMap<>(preset);
        all.putAll(defaults);
        this.defaults = Map.copyOf(all);
    }

    /** The config of the defaults with {@code overrides} over them, the state in this test's directory. */
    AppConfig config(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(defaults);
        settings.putAll(overrides);
        return TopologyHarness.config(stateDir(), settings);
    }

    /** The harness of the defaults with {@code overrides} over them, calling Gemini through {@code client}. */
    TopologyHarness start(Map<String, String> overrides, GeminiClient client) {
        return start(config(overrides), client, null);
    }

    /** As {@link #start(Map, GeminiClient)}, with batch-mode prompts sent to {@code batchClient}. */
    TopologyHarness start(Map<String, String> overrides, GeminiClient client, GeminiBatchClient batchClient) {
        return start(config(overrides), client, batchClient);
    }

    /** The harness of {@code config}, one of {@link #config}'s changed as the test needs, calling {@code client}. */
    TopologyHarness start(AppConfig config, GeminiClient client) {
        return start(config, client, null);
    }

    /** A harness this started before in the same test is closed first; the new one keeps the state dir. */
    private TopologyHarness start(AppConfig config, GeminiClient client, GeminiBatchClient batchClient) {
        closeCurrent();
        current = new TopologyHarness(config, client, batchClient);
        return current;
    }

    private Path stateDir() {
        if (stateDir == null) {
            try {
                stateDir = Files.createTempDirectory("topology-harness");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return stateDir;
    }

    private void closeCurrent() {
        if (current != null) {
            TopologyHarness closing = current;
            current = null;
            closing.close();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            closeCurrent();
        } finally {
            if (stateDir != null) {
                Utils.delete(stateDir.toFile());
                stateDir = null;
            }
        }
    }
}

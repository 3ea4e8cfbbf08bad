package io.github.geministreams.testing;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.simulator.GeminiSimulator;
import java.time.Duration;
import java.util.Map;

/** gemini-streams instances inside the test's JVM, talking to a broker and a simulator. */
public final class InProcessApps {
    private InProcessApps() {
    }

    /** The defaults, then {@code settings}, pointed at {@code bootstrapServers} and {@code simulator}. */
    public static AppConfig config(String bootstrapServers, GeminiSimulator simulator, Map<String, String> settings) {
        AppConfig config = ConfigLayers.defaults().withAll(settings).build().withBootstrapServers(bootstrapServers);
        return config.withGemini(config.gemini().withConnection(simulator.config().apiKey(), simulator.baseUrl()));
    }

    /** Creates the client and the application, registers both with {@code closer}, and starts it (RUNNING). */
    public static StreamsApplication start(Closer closer, AppConfig config) {
        GeminiClient client = closer.add(GeminiClients.create(config));
        StreamsApplication app = closer.add(new StreamsApplication(config, client));
        app.start(Duration.ofSeconds(60));
        return app;
    }
}

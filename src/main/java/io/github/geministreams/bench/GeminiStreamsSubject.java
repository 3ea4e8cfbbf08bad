package io.github.geministreams.bench;

import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * gemini-streams itself: {@code instances} applications in this JVM, each with its own
 * Gemini client and state directory, all in one consumer group.
 */
final class GeminiStreamsSubject implements BenchSubject {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
    private final List<GeminiClient> clients = new ArrayList<>();
    private final List<StreamsApplication> apps = new ArrayList<>();

    GeminiStreamsSubject(AppConfig config, int instances, Path stateRoot) {
        for (int i = 0; i < instances; i++) {
            AppConfig instance = config.withStateDir(stateRoot.resolve("instance-" + i));
            GeminiClient client = GeminiClients.create(instance);
            clients.add(client);
            apps.add(new StreamsApplication(instance, client));
        }
    }

    /** Starts every instance at once, so they share the first assignment instead of rebalancing one by one. */
    @Override
    public void start() {
        CompletableFuture.allOf(apps.stream()
                .map(app -> CompletableFuture.runAsync(() -> app.start(START_TIMEOUT)))
                .toArray(CompletableFuture[]::new)).join();
    }

    @Override
    public long retries() {
        return apps.stream().mapToLong(StreamsApplication::geminiRetries).sum();
    }

    @Override
    public void close() {
        apps.forEach(StreamsApplication::close);
        clients.forEach(GeminiClient::close);
    }
}

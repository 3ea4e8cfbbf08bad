package io.github.geministreams.cli;

import io.github.geministreams.app.BrokerWait;
import io.github.geministreams.app.GeminiClients;
import io.github.geministreams.app.InstanceStateDir;
import io.github.geministreams.app.StreamsApplication;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gemini-streams run}: the streams application against a Kafka cluster and the Gemini API. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the streams application against --bootstrap-servers (or KAFKA_BOOTSTRAP_SERVERS) "
                + "and the Gemini API (GEMINI_API_KEY, optionally GEMINI_BASE_URL). Stops gracefully on SIGTERM.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws InterruptedException {
        AppConfig config = options.load();
        GeminiClients.requireCredentials(config);
        return runUntilStopped(config);
    }

    /**
     * Chooses this instance's state directory, waits for a Kafka broker, starts the application
     * and stops it gracefully on SIGTERM/Ctrl-C; the exit code says how it ended.
     */
    static int runUntilStopped(AppConfig config) throws InterruptedException {
        try (InstanceStateDir stateDir = InstanceStateDir.choose(config)) {
            AppConfig instance = stateDir.config();
            new BrokerWait(instance).await();
            try (GeminiClient client = GeminiClients.create(instance)) {
                StreamsApplication app = new StreamsApplication(instance, client);
                Thread hook = new Thread(app::close, "gemini-streams-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                app.start(Duration.ofMinutes(2));
                app.awaitTermination();
                return app.state() == KafkaStreams.State.ERROR ? 1 : 0;
            }
        }
    }
}

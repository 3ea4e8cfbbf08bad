package io.github.geministreams.cli;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.topics.TopicProvisioner;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gemini-streams topics}: creates the missing topics of topics.yaml and reports mismatches. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the topics declared in topics.yaml that are missing; exit 2 on a mismatch that cannot be fixed.")
final class TopicsCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--timeout", defaultValue = "30s", converter = DurationConverter.class,
            description = "How long to wait for the cluster (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() {
        AppConfig config = options.load();
        try (Admin admin = Admin.create(config.clientProperties())) {
            new TopicProvisioner(admin, timeout).ensure(config.topics()).forEach(System.out::println);
        }
        return 0;
    }
}

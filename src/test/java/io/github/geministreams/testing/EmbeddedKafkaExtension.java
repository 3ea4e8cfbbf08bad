package io.github.geministreams.testing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.geministreams.local.EmbeddedKafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real embedded Kafka broker per test class:
 * {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();}
 *
 * <p>The broker starts before the first test and is closed (data deleted) after the last one. Tests
 * in the class share it, so give each test its own topics and group ids. {@link #broker()} gives
 * chaos tests the broker itself, to stop and restart it; the extension closes it whatever its state.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedKafkaBroker.Builder builder;
    private volatile EmbeddedKafkaBroker broker;

    /** A broker with the default settings. */
    public EmbeddedKafkaExtension() {
        this(EmbeddedKafkaBroker.builder());
    }

    /** A broker built from the given builder, e.g. with extra broker properties. */
    public EmbeddedKafkaExtension(EmbeddedKafkaBroker.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        EmbeddedKafkaBroker started = builder.build();
        try {
            started.start();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        broker = started;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EmbeddedKafkaBroker started = broker;
        broker = null;
        if (started != null) {
            started.close();
        }
    }

    /** The broker, for tests that stop and restart it. */
    public EmbeddedKafkaBroker broker() {
        EmbeddedKafkaBroker current = broker;
        if (current == null) {
            throw new IllegalStateException("The embedded Kafka broker runs only between beforeAll and afterAll");
        }
        return current;
    }

    /** {@code 127.0.0.1:<port>}, stable for the whole test class, across broker restarts too. */
    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** Creates a topic with replication factor 1 and waits until the broker has created it. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not create topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }
}

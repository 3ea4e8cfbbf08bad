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
 * A real embedded Kafka broker for a test class:
 * {@code @RegisterExtension static final EmbeddedKafkaExtension KAFKA = EmbeddedKafkaExtension.shared();}
 *
 * <p>{@link #shared()} gives every class that asks for it the same broker: it starts before the
 * first such class and is closed (data deleted) when the test JVM's run ends. Starting a broker
 * costs seconds; the classes keep apart by prefixing their topics and application ids
 * ({@link TestTopics}), so give every test its own. A class that stops or restarts the broker
 * ({@link #broker()}) must take a {@link #dedicated()} one, which starts before its first test
 * and is closed after its last, whatever its state.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {

    private final boolean shared;
    private volatile EmbeddedKafkaBroker broker;

    private EmbeddedKafkaExtension(boolean shared) {
        this.shared = shared;
    }

    /** The broker shared by every class of the test run. */
    public static EmbeddedKafkaExtension shared() {
        return new EmbeddedKafkaExtension(true);
    }

    /** A broker of the class's own, which the class may stop and restart. */
    public static EmbeddedKafkaExtension dedicated() {
        return new EmbeddedKafkaExtension(false);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        if (shared) {
            // The root store closes the AutoCloseable values it holds when the whole run ends.
            broker = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .getOrComputeIfAbsent(EmbeddedKafkaExtension.class, key -> startBroker(), EmbeddedKafkaBroker.class);
        } else {
            broker = startBroker();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EmbeddedKafkaBroker started = broker;
        broker = null;
        if (started != null && !shared) {
            started.close();
        }
    }

    private static EmbeddedKafkaBroker startBroker() {
        EmbeddedKafkaBroker started = EmbeddedKafkaBroker.builder().build();
        try {
            started.start();
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /** The broker, for tests that stop and restart it: only a {@link #dedicated()} one. */
    public EmbeddedKafkaBroker broker() {
        if (shared) {
            throw new IllegalStateException("The shared broker serves every test class; take a dedicated one to stop it");
        }
        return running();
    }

    private EmbeddedKafkaBroker running() {
        EmbeddedKafkaBroker current = broker;
        if (current == null) {
            throw new IllegalStateException("The embedded Kafka broker runs only between beforeAll and afterAll");
        }
        return current;
    }

    /** {@code 127.0.0.1:<port>}, stable for the whole test class, across broker restarts too. */
    public String bootstrapServers() {
        return running().bootstrapServers();
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

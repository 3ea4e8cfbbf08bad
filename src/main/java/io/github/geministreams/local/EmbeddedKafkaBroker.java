package io.github.geministreams.local;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster (KRaft, {@code process.roles=broker,controller}) running inside
 * this JVM, built from Kafka's own broker artifacts. For local runs and integration tests.
 *
 * <p><b>Configuration.</b> The node is tuned for one machine: every internal topic (consumer offsets,
 * transaction state, share-group state) has replication factor 1 and min ISR 1, so transactions and
 * {@code exactly_once_v2} work; topics are not auto-created (the application creates its own); the
 * first consumer group rebalances without delay. Anything can be overridden with
 * {@link Builder#brokerProperty(String, Object)}; overrides are applied last and win.
 *
 * <p><b>Ports.</b> The client listener binds to {@code 127.0.0.1}. Port {@code 0} (the default) means
 * "pick a free port at the first {@link #start()}"; the chosen port, and the controller port, are kept
 * for the life of this object, so a restart serves the same {@link #bootstrapServers()}. The
 * advertised listener is {@code PLAINTEXT://<advertisedHost>:<port>} (host {@code 127.0.0.1} unless
 * configured), so tools outside the JVM (kcat, kafka-console-consumer) can use the broker too.
 *
 * <p><b>Lifecycle and what survives.</b> The first {@code start()} formats the data directory (a
 * fresh cluster id); a later {@code start()} on a directory that holds {@code meta.properties}
 * reuses it, so topics, records, committed offsets and transaction state survive {@link #stop()}
 * followed by {@code start()}, as they would for a real broker restart. {@link #close()} stops the
 * broker and deletes the data directory only if this object created it (no directory given).
 *
 * <p><b>Threading.</b> {@code start()}, {@code stop()} and {@code close()} are synchronized and
 * blocking; they may be called from any thread. The accessors are safe from any thread. Several
 * brokers may run in one JVM if they use different ports and data directories. A broker shares the
 * JVM with its clients: a fatal broker error may end the process the way a real broker would.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String LOOPBACK = "127.0.0.1";
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String META_PROPERTIES = "meta.properties";
    private static final int AUTO_PORT_ATTEMPTS = 3;
    private static final int NODE_ID = 1;
    private static final String SEGMENT_BYTES = String.valueOf(16 * 1024 * 1024);

    private final String advertisedHost;
    private final Path dataDirectory;
    private final boolean ownsDataDirectory;
    private final Map<String, String> overrides;
    private final Duration startupTimeout;

    private volatile int port;
    private volatile int controllerPort;
    private volatile KafkaRaftServer server;
    private boolean closed;

    private EmbeddedKafkaBroker(Builder builder) {
        this.advertisedHost = builder.advertisedHost;
        this.overrides = Map.copyOf(builder.overrides);
        this.startupTimeout = builder.startupTimeout;
        this.port = builder.port;
        this.controllerPort = builder.controllerPort;
        if (builder.dataDirectory != null) {
            this.dataDirectory = builder.dataDirectory.toAbsolutePath();
            this.ownsDataDirectory = false;
        } else {
            try {
                this.dataDirectory = Files.createTempDirectory("embedded-kafka-").toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a data directory for the embedded Kafka broker", e);
            }
            this.ownsDataDirectory = true;
        }
    }

    /** A builder with the defaults: free ports, a temporary data directory, 60 s startup timeout. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker and returns once it answers a {@code describeCluster} request. Formats the
     * data directory first if it has never been formatted. Does nothing if already running.
     *
     * @throws IllegalStateException if the broker fails to start or is not ready within the timeout
     *     (the broker is then stopped again), or if it was closed
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("The embedded Kafka broker was closed; build a new one");
        }
        if (server != null) {
            return;
        }
        long began = System.nanoTime();
        // Only a first start with every port picked by us may switch ports: nobody has seen them yet.
        boolean mayRepickPorts = port == 0 && controllerPort == 0;
        for (int attempt = 1; ; attempt++) {
            assignPorts();
            try {
                startServer();
                break;
            } catch (RuntimeException e) {
                // Another process can take a free port between our probe and the broker's bind.
                if (mayRepickPorts && attempt < AUTO_PORT_ATTEMPTS && causedByBind(e)) {
                    log.debug("Port {} or {} was taken meanwhile; retrying with new ports", port, controllerPort);
                    port = 0;
                    controllerPort = 0;
                    continue;
                }
                throw e;
            }
        }
        log.info("Embedded Kafka broker ready at {} (data: {}) in {} ms",
                bootstrapServers(), dataDirectory, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began));
    }

    /**
     * Shuts the broker down cleanly and waits until it has. Data and ports are kept for a later
     * {@link #start()}. Does nothing if not running.
     */
    public synchronized void stop() {
        KafkaRaftServer running = server;
        if (running == null) {
            return;
        }
        server = null;
        running.shutdown();
        running.awaitShutdown();
        log.debug("Embedded Kafka broker at {} stopped", bootstrapServers());
    }

    /** Stops the broker for good and deletes the data directory if this broker created it. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        try {
            stop();
        } finally {
            if (ownsDataDirectory) {
                try {
                    Utils.delete(dataDirectory.toFile());
                } catch (IOException e) {
                    log.warn("Could not delete the embedded Kafka data directory {}", dataDirectory, e);
                }
            }
        }
    }

    /** Whether the broker is started and not yet stopped. */
    public boolean isRunning() {
        return server != null;
    }

    /**
     * {@code 127.0.0.1:<port>}: the same across restarts.
     *
     * @throws IllegalStateException if the port is still to be picked (never started, port 0)
     */
    public String bootstrapServers() {
        return LOOPBACK + ":" + port();
    }

    /** The client listener port, the same across restarts. */
    public int port() {
        int current = port;
        if (current == 0) {
            throw new IllegalStateException("The embedded Kafka broker picks its port at its first start()");
        }
        return current;
    }

    /** The directory holding the broker's logs and metadata. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Client properties that reach this broker: {@code bootstrap.servers}. Add your own to a copy. */
    public Map<String, Object> clientProperties() {
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** The broker configuration {@link #start()} uses, overrides included (ports as currently known). */
    public Map<String, String> brokerConfig() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("listeners",
                CLIENT_LISTENER + "://" + LOOPBACK + ":" + port + "," + CONTROLLER_LISTENER + "://" + LOOPBACK + ":" + controllerPort);
        config.put("advertised.listeners", CLIENT_LISTENER + "://" + advertisedHost + ":" + port);
        config.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("inter.broker.listener.name", CLIENT_LISTENER);
        config.put("log.dirs", dataDirectory.toString());

        // One node: every internal topic must fit on it, or transactions and groups never work.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");

        // Local use: the application creates its topics; groups form at once.
        config.put("auto.create.topics.enable", "false");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("group.streams.initial.rebalance.delay.ms", "0");

        // Small footprint: the cleaner would otherwise allocate 128 MiB of heap up front per broker.
        config.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        config.put("log.segment.bytes", SEGMENT_BYTES);
        config.put("offsets.topic.segment.bytes", SEGMENT_BYTES);
        config.put("transaction.state.log.segment.bytes", SEGMENT_BYTES);
        config.put("share.coordinator.state.topic.segment.bytes", SEGMENT_BYTES);
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "4");

        config.putAll(overrides);
        return config;
    }

    private void assignPorts() {
        if (port == 0) {
            port = freePort();
        }
        if (controllerPort == 0) {
            controllerPort = freePort();
            while (controllerPort == port) {
                controllerPort = freePort();
            }
        }
    }

    private void startServer() {
        Map<String, String> config = brokerConfig();
        formatIfNeeded(config);
        KafkaRaftServer candidate = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        try {
            candidate.startup();
            awaitReady();
        } catch (RuntimeException e) {
            shutDownQuietly(candidate);
            throw new IllegalStateException("Embedded Kafka broker failed to start at " + LOOPBACK + ":" + port
                    + " (controller port " + controllerPort + ", data: " + dataDirectory + "): " + describeFailure(e), e);
        }
        server = candidate;
    }

    /**
     * Formats the storage through Kafka's own {@code kafka-storage format} command, the same code path
     * an operator uses, and only when the directory was never formatted (no {@code meta.properties}).
     */
    private void formatIfNeeded(Map<String, String> config) {
        if (Files.exists(dataDirectory.resolve(META_PROPERTIES))) {
            log.debug("Reusing the formatted data directory {}", dataDirectory);
            return;
        }
        Path configFile = null;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            Files.createDirectories(dataDirectory);
            configFile = Files.createTempFile("embedded-kafka-format-", ".properties");
            Properties properties = new Properties();
            properties.putAll(config);
            try (OutputStream out = Files.newOutputStream(configFile)) {
                properties.store(out, "embedded Kafka broker: storage format");
            }
            String[] args = {"format", "--config", configFile.toString(), "--cluster-id", Uuid.randomUuid().toString()};
            int exitCode;
            try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exitCode = StorageTool.execute(args, print);
            }
            if (exitCode != 0) {
                throw new IllegalStateException("Formatting " + dataDirectory + " failed (exit code " + exitCode + "): "
                        + output.toString(StandardCharsets.UTF_8).strip());
            }
            log.debug("Formatted {}: {}", dataDirectory, output.toString(StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot format the embedded Kafka data directory " + dataDirectory, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot format the embedded Kafka data directory " + dataDirectory
                    + ": " + e.getMessage(), e);
        } finally {
            if (configFile != null) {
                try {
                    Files.deleteIfExists(configFile);
                } catch (IOException e) {
                    log.debug("Could not delete {}", configFile, e);
                }
            }
        }
    }

    /** KafkaRaftServer.startup() returns once the broker is unfenced; this proves a client gets answers. */
    private void awaitReady() {
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        Exception last = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (System.nanoTime() < deadline) {
                long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions()
                                    .timeoutMs((int) Math.min(remainingMs, Integer.MAX_VALUE)))
                            .nodes().get(remainingMs, TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", e);
                }
            }
        }
        throw new IllegalStateException("Embedded Kafka broker at " + bootstrapServers()
                + " did not answer describeCluster within " + startupTimeout, last);
    }

    private static void shutDownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            log.debug("Error while shutting down a broker that failed to start", e);
        }
    }

    /** The deepest message in the chain; for a bind failure, its wrapper's, which names the address. */
    private static String describeFailure(Throwable e) {
        Throwable described = e;
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException && cause != e) {
                break;
            }
            described = cause;
        }
        return described.getMessage();
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
        }
    }

    /** Builds an {@link EmbeddedKafkaBroker}; nothing starts until {@link EmbeddedKafkaBroker#start()}. */
    public static final class Builder {
        private int port;
        private int controllerPort;
        private String advertisedHost = LOOPBACK;
        private Path dataDirectory;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {
        }

        /** The client listener port; 0 (default) picks a free one at the first start and keeps it. */
        public Builder port(int port) {
            this.port = checkPort(port);
            return this;
        }

        /** The KRaft controller listener port; 0 (default) picks a free one at the first start. */
        public Builder controllerPort(int controllerPort) {
            this.controllerPort = checkPort(controllerPort);
            return this;
        }

        /** The host in the advertised listener, for clients that reach this machine by another name. */
        public Builder advertisedHost(String advertisedHost) {
            this.advertisedHost = Objects.requireNonNull(advertisedHost, "advertisedHost");
            return this;
        }

        /**
         * Where the broker keeps its data. Given: kept on {@code close()}, and reused (not formatted)
         * if it already holds a formatted broker. Not given: a temporary directory deleted on close.
         */
        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory, "dataDirectory");
            return this;
        }

        /** Upper bound on waiting for the started broker to answer clients. */
        public Builder startupTimeout(Duration startupTimeout) {
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /** A broker property that replaces the default (for example {@code auto.create.topics.enable}). */
        public Builder brokerProperty(String name, Object value) {
            overrides.put(Objects.requireNonNull(name, "name"), String.valueOf(Objects.requireNonNull(value, "value")));
            return this;
        }

        /** Several broker properties; see {@link #brokerProperty(String, Object)}. */
        public Builder brokerProperties(Map<String, ?> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** The broker, not started. Without a data directory this creates a temporary one: close the broker. */
        public EmbeddedKafkaBroker build() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ: " + port);
            }
            return new EmbeddedKafkaBroker(this);
        }

        private static int checkPort(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            return port;
        }
    }
}

package io.github.geministreams.app;

import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.Setting;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Utils;

/**
 * One check whether a Kafka broker answers at the bootstrap servers: a TCP connection to one of
 * their addresses, then an Admin client's {@code describeCluster} with the configured Kafka
 * properties (so TLS and SASL are checked too).
 *
 * <p>The TCP check comes first because it is silent. A Kafka client with nothing to connect to
 * logs a WARN for every attempt, about one a second per client, and slf4j-simple cannot quiet a
 * logger for a while; once something accepts connections, the Admin client has something to talk
 * to. Not thread-safe; each check opens and closes its own connections.
 */
final class BrokerProbe {
    private final List<String> servers;
    private final Map<String, Object> clientProperties;
    private final Duration connectTimeout;
    private final Duration adminTimeout;

    /**
     * @throws ConfigException if an entry of {@code bootstrapServers} is not {@code host:port}
     */
    BrokerProbe(String bootstrapServers, Map<String, Object> clientProperties, Duration connectTimeout,
                Duration adminTimeout) {
        this.servers = parse(bootstrapServers);
        this.clientProperties = clientProperties;
        this.connectTimeout = connectTimeout;
        this.adminTimeout = adminTimeout;
    }

    /** Empty when a broker answers; else what went wrong, in a few words for a log line. */
    Optional<String> problem() throws InterruptedException {
        String failure = null;
        for (String server : servers) {
            Optional<String> unreachable = connect(server);
            if (unreachable.isEmpty()) {
                return askAdmin();
            }
            failure = unreachable.get();
        }
        return Optional.of(failure);
    }

    /** Empty when a TCP connection to one of the server's addresses succeeds. */
    private Optional<String> connect(String server) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(Utils.getHost(server));
        } catch (UnknownHostException e) {
            return Optional.of(named(server, "unknown host"));
        }
        String failure = null;
        for (InetAddress address : addresses) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, Utils.getPort(server)), (int) connectTimeout.toMillis());
                return Optional.empty();
            } catch (IOException e) {
                failure = named(server, e.getMessage());
            }
        }
        return Optional.of(failure);
    }

    /** The failure, with the server it concerns when there are several. */
    private String named(String server, String failure) {
        return servers.size() > 1 ? server + ": " + failure : failure;
    }

    private Optional<String> askAdmin() throws InterruptedException {
        try (Admin admin = Admin.create(clientProperties)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) adminTimeout.toMillis()))
                    .clusterId().get();
            return Optional.empty();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return Optional.of("a server accepts connections but no Kafka broker answered: "
                    + (cause.getMessage() != null ? cause.getMessage() : cause.toString()));
        }
    }

    private static List<String> parse(String bootstrapServers) {
        List<String> servers = new ArrayList<>();
        for (String entry : bootstrapServers.split(",")) {
            String server = entry.trim();
            if (server.isEmpty()) {
                continue;
            }
            if (Utils.getHost(server) == null || Utils.getPort(server) == null) {
                throw invalid(server);
            }
            servers.add(server);
        }
        if (servers.isEmpty()) {
            throw invalid(bootstrapServers);
        }
        return servers;
    }

    private static ConfigException invalid(String value) {
        return new ConfigException("Invalid " + Setting.BOOTSTRAP_SERVERS.key() + " (" + Setting.BOOTSTRAP_SERVERS.envAlias()
                + "): '" + value + "'; expected host:port[,host:port...]");
    }
}

package io.github.geministreams.app;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.Durations;
import io.github.geministreams.config.Setting;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds the start of an instance until a Kafka broker answers at {@code bootstrap.servers},
 * however long that takes: it checks every second ({@link BrokerProbe}) and says what is wrong
 * in one WARN line, again every 30 s. Without it the Kafka clients, started against nothing,
 * log several warnings a second and never say that no broker is there.
 *
 * <p>It waits rather than exits so that an instance may start before its broker (compose, a
 * cluster being restarted) and go on the moment one answers; a stop signal ends the wait.
 */
public final class BrokerWait {
    private static final Logger log = LoggerFactory.getLogger(BrokerWait.class);
    private static final Duration RECHECK = Duration.ofSeconds(1);
    private static final Duration REPORT_EVERY = Duration.ofSeconds(30);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
    private static final String WHERE_SET = Setting.BOOTSTRAP_SERVERS.key() + ", set by --bootstrap-servers, "
            + Setting.BOOTSTRAP_SERVERS.envAlias() + " or --config";

    private final String bootstrapServers;
    private final BrokerProbe probe;

    /** @throws io.github.geministreams.config.ConfigException if bootstrap.servers is not a host:port list */
    public BrokerWait(AppConfig config) {
        this.bootstrapServers = config.bootstrapServers();
        this.probe = new BrokerProbe(bootstrapServers, config.clientProperties(), CONNECT_TIMEOUT, ADMIN_TIMEOUT);
    }

    /** Returns once a broker answers; at once if one does already. */
    public void await() throws InterruptedException {
        long started = System.nanoTime();
        long nextReport = started;
        boolean reported = false;
        for (Optional<String> problem = probe.problem(); problem.isPresent(); problem = probe.problem()) {
            long now = System.nanoTime();
            if (now - nextReport >= 0) {
                if (reported) {
                    log.warn("Still no Kafka broker answers at {} after {} ({}): {}", bootstrapServers,
                            seconds(now - started), WHERE_SET, problem.get());
                } else {
                    log.warn("No Kafka broker answers at {} ({}): {}; waiting for one (this line again every {})",
                            bootstrapServers, WHERE_SET, problem.get(), Durations.format(REPORT_EVERY));
                }
                reported = true;
                nextReport = now + REPORT_EVERY.toNanos();
            }
            Thread.sleep(RECHECK.toMillis());
        }
        if (reported) {
            log.info("A Kafka broker answers at {} after {}", bootstrapServers, seconds(System.nanoTime() - started));
        }
    }

    private static String seconds(long nanos) {
        return Durations.format(Duration.ofSeconds(Duration.ofNanos(nanos).toSeconds()));
    }
}

package io.github.geministreams.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the cluster match a {@link TopicPlan} as far as it safely can: creates missing
 * topics, accepts topics with at least the declared partitions, and refuses (with a
 * {@link TopicProvisioningException} that says what to do) when a topic has fewer
 * partitions than declared or a missing topic cannot be created. It never deletes or
 * repartitions an existing topic: that would reorder keys under running consumers.
 */
public final class TopicProvisioner {
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private static final Duration SERVED_POLL = Duration.ofMillis(100);

    private final Admin admin;
    private final Duration timeout;

    public TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** Creates what is missing; returns one line per topic saying what was found or done. */
    public List<String> ensure(TopicPlan plan) {
        Set<String> existing = call(() -> admin.listTopics().names(), "list topics");
        List<TopicSpec> missing = plan.all().stream().filter(spec -> !existing.contains(spec.name())).toList();
        List<TopicSpec> present = plan.all().stream().filter(spec -> existing.contains(spec.name())).toList();
        List<String> report = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<TopicSpec> created = create(missing, report, problems);
        awaitServed(created);
        check(present, report, problems);
        if (!problems.isEmpty()) {
            throw new TopicProvisioningException("Topics do not match " + plan.origin() + ":\n  - "
                    + String.join("\n  - ", problems));
        }
        report.forEach(log::info);
        return report;
    }

    /** Returns the topics this call created. */
    private List<TopicSpec> create(List<TopicSpec> missing, List<String> report, List<String> problems) {
        List<TopicSpec> created = new ArrayList<>();
        if (missing.isEmpty()) {
            return created;
        }
        List<NewTopic> newTopics = missing.stream()
                .map(spec -> new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.configs()))
                .toList();
        Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
        for (TopicSpec spec : missing) {
            try {
                results.get(spec.name()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                created.add(spec);
                report.add("created " + spec.name() + " (" + spec.partitions() + " partitions, replication "
                        + spec.replicationFactor() + ")");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    report.add("exists " + spec.name() + " (created concurrently by another instance)");
                } else {
                    problems.add(spec.name() + " is missing and cannot be created: " + e.getCause().getMessage()
                            + " (create it by hand or fix topics.yaml)");
                }
            } catch (TimeoutException e) {
                problems.add(spec.name() + " is missing and its creation timed out after " + timeout.toSeconds() + "s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("Interrupted while creating " + spec.name());
            }
        }
        return created;
    }

    /**
     * Waits until the broker serves every partition of the new topics. A producer that writes to
     * a partition its leader has not opened yet gets NOT_LEADER_OR_FOLLOWER on its first request
     * while a later request may already succeed; the idempotent producer then retries the first
     * with a sequence the broker no longer accepts, until delivery.timeout.ms drops it
     * (KAFKA-15591). Metadata shows a leader before the leader serves the partition, so this
     * asks each leader for its end offset, which it answers only once the partition is open.
     * A produce right after start-up (the samples of {@code local}, a benchmark's backlog) is
     * then safe.
     */
    private void awaitServed(List<TopicSpec> created) {
        if (created.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
        for (TopicSpec spec : created) {
            for (int partition = 0; partition < spec.partitions(); partition++) {
                partitions.put(new TopicPartition(spec.name(), partition), OffsetSpec.latest());
            }
        }
        // The admin client retries NOT_LEADER_OR_FOLLOWER but gives up at once while the new
        // topic's metadata has not reached it yet: ask again until the timeout.
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                admin.listOffsets(partitions).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    throw new TopicProvisioningException("Created " + created.stream().map(TopicSpec::name).toList()
                            + " but their partitions were not served within " + timeout.toSeconds() + "s: "
                            + cause.getMessage());
                }
                sleep(SERVED_POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("Interrupted while waiting for the new topics' partitions");
            }
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("Interrupted while waiting for the new topics' partitions");
        }
    }

    private void check(List<TopicSpec> present, List<String> report, List<String> problems) {
        if (present.isEmpty()) {
            return;
        }
        Set<String> names = present.stream().map(TopicSpec::name).collect(Collectors.toSet());
        Map<String, TopicDescription> descriptions = call(() -> admin.describeTopics(names).allTopicNames(), "describe topics");
        for (TopicSpec spec : present) {
            TopicDescription description = descriptions.get(spec.name());
            int partitions = description.partitions().size();
            int replication = description.partitions().get(0).replicas().size();
            if (partitions < spec.partitions()) {
                problems.add(spec.name() + " has " + partitions + " partitions but " + spec.partitions()
                        + " are declared; add partitions with kafka-topics --alter --partitions "
                        + spec.partitions() + " or lower the declaration");
            } else if (partitions > spec.partitions() || replication != spec.replicationFactor()) {
                report.add("exists " + spec.name() + " (" + partitions + " partitions, replication " + replication
                        + "; declared " + spec.partitions() + "/" + spec.replicationFactor() + ", accepted)");
            } else {
                report.add("exists " + spec.name() + " (" + partitions + " partitions, replication " + replication + ")");
            }
        }
    }

    private <T> T call(AdminCall<T> call, String what) {
        try {
            return call.future().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicProvisioningException("Cannot " + what + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new TopicProvisioningException("Cannot " + what + ": no answer from the cluster within "
                    + timeout.toSeconds() + "s (is bootstrap.servers right and the broker up?)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("Interrupted while trying to " + what);
        }
    }

    @FunctionalInterface
    private interface AdminCall<T> {
        KafkaFuture<T> future();
    }
}

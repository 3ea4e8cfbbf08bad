package io.github.geministreams.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * "Nothing more will come", decided from Kafka instead of by reading on for a while. An
 * application is drained when, in this order:
 * <ol>
 *   <li>no committed record of its input topics lies beyond its group's committed offsets: every
 *       prompt was processed and its transaction committed;</li>
 *   <li>its pending store, read from the store's changelog to the end, holds no prompt: every
 *       processed prompt's outcomes were committed (in the transaction that removed it), and
 *       nothing is left to send, re-send or take over from a previous owner;</li>
 *   <li>step 1 holds again, for inputs fed by the application itself (job events).</li>
 * </ol>
 * Committed offsets alone would not do: a prompt's offset commits when it enters the pending
 * store, before Gemini answers it. Once drained, the output topics read to their end offsets
 * (read_committed) hold everything the run will ever write.
 */
public final class PipelineDrain implements AutoCloseable {
    private final String applicationId;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> reader;
    private final KafkaConsumer<byte[], byte[]> changelog;
    /** partition/key of every prompt the pending store holds: updated by the polling thread, read in a failure. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private volatile boolean inputsLeft = true;

    /** For {@code applicationId}, whose inputs are {@code inputs} (prompts first). */
    public PipelineDrain(String bootstrapServers, String applicationId, String... inputs) {
        this.applicationId = applicationId;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers));
        this.reader = TestClients.committedReader(bootstrapServers, inputs);
        String pendingChangelog = applicationId + "-gemini-pending-changelog";
        this.changelog = TestClients.committedReader(bootstrapServers, pendingChangelog);
        if (changelog.assignment().isEmpty()) {
            close();
            throw new IllegalStateException(pendingChangelog + " does not exist: start the application first");
        }
    }

    /** Waits until the application is drained; fails saying what is still owed. */
    public void await(Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(250)).until(this::drained);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(applicationId + " not drained within " + timeout + ": "
                    + (inputsLeft ? "input records not yet committed past; " : "every input record committed past; ")
                    + pending.size() + " prompts pending, e.g. " + pending.stream().sorted().limit(5).toList(), e);
        }
    }

    /** Whether the application is drained now (see the class comment). */
    public boolean drained() throws Exception {
        return inputsConsumed() && pendingStoreEmpty() && inputsConsumed();
    }

    private boolean inputsConsumed() throws Exception {
        inputsLeft = !inputsConsumedNow();
        return !inputsLeft;
    }

    private boolean inputsConsumedNow() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Set<TopicPartition> partitions = reader.assignment();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                reader.seekToBeginning(List.of(partition));
            } else {
                reader.seek(partition, offset.offset());
            }
        }
        Map<TopicPartition, Long> ends = reader.endOffsets(partitions);
        while (TestClients.beforeEnd(reader, ends)) {
            if (!reader.poll(Duration.ofMillis(100)).isEmpty()) {
                return false; // a committed input record the application has not committed past
            }
        }
        return true;
    }

    private boolean pendingStoreEmpty() {
        Map<TopicPartition, Long> ends = changelog.endOffsets(changelog.assignment());
        while (TestClients.beforeEnd(changelog, ends)) {
            for (ConsumerRecord<byte[], byte[]> record : changelog.poll(Duration.ofMillis(100))) {
                String key = record.partition() + "/" + new String(record.key(), UTF_8);
                if (record.value() == null) {
                    pending.remove(key);
                } else {
                    pending.add(key);
                }
            }
        }
        return pending.isEmpty();
    }

    @Override
    public void close() {
        reader.close();
        changelog.close();
        admin.close();
    }
}

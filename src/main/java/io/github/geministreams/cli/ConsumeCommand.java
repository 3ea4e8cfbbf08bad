package io.github.geministreams.cli;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigException;
import io.github.geministreams.topics.TopicRole;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code gemini-streams consume}: output topics to JSONL. Reads committed records only, from
 * the beginning of every partition, without a consumer group (it commits nothing and never
 * disturbs the application's group).
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Write records of the output topics (read_committed, from the beginning) as JSON lines.")
final class ConsumeCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC",
            description = "Topics to read (default: responses, embeddings and dead-letter from topics.yaml).")
    List<String> topics = new ArrayList<>();

    @Option(names = "--jobs", description = "Read the jobs topic: progress and completion records of jobs.")
    boolean jobs;

    @Option(names = "--batch-jobs", description = "Read the batch-jobs topic: the state of every Gemini Batch API job.")
    boolean batchJobs;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N", description = "Stop after N records; 0 = no limit.")
    long max;

    @Option(names = "--timeout", defaultValue = "10s", converter = DurationConverter.class,
            description = "Stop when no record has arrived for this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = {"-f", "--follow"}, description = "Keep waiting for new records until Ctrl-C (ignores --timeout).")
    boolean follow;

    @Override
    public Integer call() throws IOException {
        AppConfig config = options.load();
        List<String> names = new ArrayList<>(topics);
        if (jobs) {
            names.add(config.topics().name(TopicRole.JOBS));
        }
        if (batchJobs) {
            names.add(config.topics().name(TopicRole.BATCH_JOBS));
        }
        if (names.isEmpty()) {
            names = List.of(config.topics().name(TopicRole.RESPONSES), config.topics().name(TopicRole.EMBEDDINGS),
                    config.topics().name(TopicRole.DEAD_LETTER));
        }
        long written = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config));
             Writer writer = open();
             Progress progress = Progress.start("Consuming", max > 0 ? max : -1, "records")) {
            assignFromBeginning(consumer, names);
            long lastRecordAt = System.nanoTime();
            while (max == 0 || written < max) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    writer.write(RecordJson.line(record));
                    writer.write('\n');
                    progress.stepTo(++written);
                    if (written == max) {
                        break;
                    }
                }
                if (!records.isEmpty()) {
                    writer.flush();
                    lastRecordAt = System.nanoTime();
                } else if (!follow && System.nanoTime() - lastRecordAt >= timeout.toNanos()) {
                    break;
                }
            }
        }
        System.err.printf("Consumed %d records from %s%n", written, String.join(", ", names));
        return 0;
    }

    private static Properties consumerProperties(AppConfig config) {
        Properties props = new Properties();
        props.putAll(config.clientProperties());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    private static void assignFromBeginning(KafkaConsumer<byte[], byte[]> consumer, List<String> names) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : names) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new ConfigException("Topic '" + topic + "' does not exist (check --topics and topics.yaml)");
            }
            infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    private Writer open() throws IOException {
        if (output == null) {
            // Not closed with the writer's try: closing System.out would hide later messages.
            return new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            };
        }
        return Files.newBufferedWriter(output, StandardCharsets.UTF_8);
    }
}

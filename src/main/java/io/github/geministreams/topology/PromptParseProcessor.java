package io.github.geministreams.topology;

import io.github.geministreams.jobs.JobEvent;
import io.github.geministreams.metrics.PipelineMetrics;
import io.github.geministreams.model.PendingPrompt;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.SourceCoordinates;
import io.github.geministreams.prompt.InvalidPromptException;
import io.github.geministreams.prompt.PromptParser;
import io.github.geministreams.support.RateLimitedLog;
import io.github.geministreams.topics.TopicRole;
import io.github.geministreams.topology.output.DeadLetterHeaders;
import io.github.geministreams.topology.store.PendingStore;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates each prompts record: a valid prompt goes on to the batching processor as a
 * {@link PendingPrompt} keyed by its source coordinates; anything else goes to the
 * dead-letter sink with its original key and value bytes and the reason in headers.
 * Never throws for bad input, so one bad record cannot stop the application.
 *
 * <p>Its two children take different types (a {@code PendingPrompt} and raw bytes), hence
 * {@code Object} outputs; the topology wires each child by name.
 */
final class PromptParseProcessor implements Processor<byte[], byte[], Object, Object> {
    private static final Logger log = LoggerFactory.getLogger(PromptParseProcessor.class);

    private final PromptParser parser;
    private final String batcherName;
    private final String deadLetterSinkName;
    private final String jobEventsSinkName;
    private final PipelineMetrics metrics;
    private final RateLimitedLog rejections = new RateLimitedLog(log, Duration.ofSeconds(10));
    private ProcessorContext<Object, Object> context;

    PromptParseProcessor(PromptParser parser, String batcherName, String deadLetterSinkName, String jobEventsSinkName,
                         PipelineMetrics metrics) {
        this.parser = parser;
        this.batcherName = batcherName;
        this.deadLetterSinkName = deadLetterSinkName;
        this.jobEventsSinkName = jobEventsSinkName;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        SourceCoordinates source = sourceOf(record);
        metrics.promptReceived();
        try {
            PromptRequest request = parser.parse(record.key(), record.value(), source);
            PendingPrompt pending = PendingPrompt.received(request, source, record.key(), record.value());
            context.forward(new Record<Object, Object>(PendingStore.keyOf(source), pending, record.timestamp()), batcherName);
        } catch (InvalidPromptException invalid) {
            rejections.warn("Dead-lettered invalid prompt at {}: {}", source.asKey(), invalid.getMessage());
            var headers = DeadLetterHeaders.build(source, DeadLetterHeaders.Stage.PARSE,
                    invalid.getClass().getName(), invalid.getMessage(), 0, 0, false);
            context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers),
                    deadLetterSinkName);
            metrics.deadLettered(DeadLetterHeaders.Stage.PARSE.wireName());
            metrics.outputWritten(TopicRole.DEAD_LETTER.yamlKey());
            parser.jobMention(record.value()).ifPresent(mention -> context.forward(new JobEvent(mention.job(),
                    mention.jobSize(), true, record.timestamp(), context.currentSystemTimeMs()).toRecord(),
                    jobEventsSinkName));
        }
    }

    private SourceCoordinates sourceOf(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata()
                .orElseThrow(() -> new IllegalStateException("a prompts record without source metadata"));
        return new SourceCoordinates(metadata.topic(), metadata.partition(), metadata.offset(), record.timestamp());
    }
}

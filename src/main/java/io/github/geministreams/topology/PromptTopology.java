package io.github.geministreams.topology;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.jobs.JobTrackerSupplier;
import io.github.geministreams.prompt.PromptParser;
import io.github.geministreams.serde.JsonSerde;
import io.github.geministreams.topics.TopicPlan;
import io.github.geministreams.topics.TopicRole;
import io.github.geministreams.topology.batchjob.BatchJobRecord;
import io.github.geministreams.topology.cache.CacheLoader;
import io.github.geministreams.topology.output.OutputNames;
import io.github.geministreams.topology.store.HandoverEntry;
import java.time.Duration;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The one topology factory, used by {@code run}, {@code local}, the benchmark and every test:
 * <pre>
 * prompts ─▶ parse-prompts ─▶ gemini-batcher ─▶ responses
 *                 │                 ├─────────▶ embeddings
 *                 │                 ├─────────▶ handover (deletes used entries)
 *                 │                 ├─────────▶ batch-jobs, cache
 *                 └─────────────────┴─────────▶ dead-letter, job-events
 * handover ─▶ handover-loader ─▶ global store gemini-handover (read by gemini-batcher)
 * batch-jobs ─▶ batch-jobs-loader ─▶ global store gemini-batch-jobs-committed (read by gemini-batcher)
 * cache ─▶ cache-loader ─▶ global store gemini-cache (read by gemini-batcher, which writes cache)
 * job-events ─▶ job-tracker ─▶ jobs
 * </pre>
 * Every node and the store are named explicitly, so internal names survive code changes.
 */
public final class PromptTopology {
    static final String SOURCE = "prompts-source";
    static final String PARSER = "parse-prompts";
    static final String BATCHER = "gemini-batcher";
    static final String RESPONSES_SINK = "responses-sink";
    static final String EMBEDDINGS_SINK = "embeddings-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";
    static final String JOB_EVENTS_SINK = "job-events-sink";
    static final String JOB_EVENTS_SOURCE = "job-events-source";
    static final String JOB_TRACKER = JobTrackerSupplier.NODE_NAME;
    static final String JOBS_SINK = "jobs-sink";
    static final String HANDOVER_STORE = "gemini-handover";
    static final String HANDOVER_SOURCE = "handover-source";
    static final String HANDOVER_LOADER = "handover-loader";
    static final String HANDOVER_SINK = "handover-sink";
    static final String BATCH_JOBS_SINK = "batch-jobs-sink";
    static final String CACHE_SINK = "cache-sink";
    static final String BATCH_JOBS_STORE = "gemini-batch-jobs-committed";
    static final String BATCH_JOBS_SOURCE = "batch-jobs-source";
    static final String BATCH_JOBS_LOADER = "batch-jobs-loader";
    static final String CACHE_STORE = "gemini-cache";
    static final String CACHE_SOURCE = "cache-source";
    static final String CACHE_LOADER = "cache-loader";
    /** How often a job's RUNNING record is written while its prompts end. */
    private static final Duration JOB_PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private PromptTopology() {
    }

    /** The topology with instance services of its own around {@code client}. */
    public static Topology build(AppConfig config, GeminiClient client) {
        return build(config, new InstanceServices(config, client));
    }

    /** The topology around instance services the caller keeps, to drain their pacing on a graceful stop. */
    public static Topology build(AppConfig config, InstanceServices services) {
        TopicPlan topics = config.topics();
        PromptParser parser = new PromptParser(config.pipeline().promptMaxBytes(), config.pipeline().defaultTasks(),
                config.prompts(), PromptRules.of(config), config.pipeline().inlineDataMaxBytes());
        var outputs = new OutputNames(RESPONSES_SINK, EMBEDDINGS_SINK, DEAD_LETTER_SINK,
                JOB_EVENTS_SINK, HANDOVER_SINK, BATCH_JOBS_SINK, CACHE_SINK);
        ByteArraySerializer bytes = new ByteArraySerializer();

        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.name(TopicRole.PROMPTS));
        topology.addProcessor(PARSER, () -> new PromptParseProcessor(parser, BATCHER, DEAD_LETTER_SINK,
                JOB_EVENTS_SINK, services.metrics()), SOURCE);
        // Handover: every instance reads the open calls and late answers of tasks that moved.
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HANDOVER_STORE),
                        Serdes.String(), new JsonSerde<>(HandoverEntry.class)).withLoggingDisabled(),
                HANDOVER_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.name(TopicRole.HANDOVER),
                HANDOVER_LOADER, () -> GlobalStoreLoader.handover(HANDOVER_STORE));
        // Batch jobs: every instance reads back the jobs' committed records (an intent read here has committed).
        topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BATCH_JOBS_STORE),
                        Serdes.String(), new JsonSerde<>(BatchJobRecord.class)).withLoggingDisabled(),
                BATCH_JOBS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.name(TopicRole.BATCH_JOBS), BATCH_JOBS_LOADER, () -> GlobalStoreLoader.batchJobs(BATCH_JOBS_STORE));
        // The answer cache: every instance reads every answer written, and keeps its copy bounded.
        boolean cached = config.cache().embed() || config.cache().generate();
        if (cached) {
            topology.addGlobalStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CACHE_STORE),
                            Serdes.String(), Serdes.ByteArray()).withLoggingDisabled(),
                    CACHE_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.name(TopicRole.CACHE),
                    CACHE_LOADER, () -> new CacheLoader(CACHE_STORE, config.cache(), services.metrics()::cacheEntries));
        }
        topology.addProcessor(BATCHER, new GeminiProcessorSupplier(config, services, HANDOVER_STORE,
                BATCH_JOBS_STORE, cached ? CACHE_STORE : null, outputs), PARSER);
        topology.addSink(HANDOVER_SINK, topics.name(TopicRole.HANDOVER), bytes, bytes, BATCHER);
        topology.addSink(BATCH_JOBS_SINK, topics.name(TopicRole.BATCH_JOBS), bytes, bytes, BATCHER);
        topology.addSink(CACHE_SINK, topics.name(TopicRole.CACHE), bytes, bytes, BATCHER);
        topology.addSink(RESPONSES_SINK, topics.name(TopicRole.RESPONSES), bytes, bytes, BATCHER);
        topology.addSink(EMBEDDINGS_SINK, topics.name(TopicRole.EMBEDDINGS), bytes, bytes, BATCHER);
        topology.addSink(DEAD_LETTER_SINK, topics.name(TopicRole.DEAD_LETTER), bytes, bytes, PARSER, BATCHER);
        // Job tracking: finished prompts of a job go out keyed by job id and come back in, so
        // that the one task owning a job's partition counts all of its prompts.
        topology.addSink(JOB_EVENTS_SINK, topics.name(TopicRole.JOB_EVENTS), bytes, bytes, PARSER, BATCHER);
        topology.addSource(JOB_EVENTS_SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topics.name(TopicRole.JOB_EVENTS));
        topology.addProcessor(JOB_TRACKER, new JobTrackerSupplier(JOB_PROGRESS_INTERVAL), JOB_EVENTS_SOURCE);
        topology.addSink(JOBS_SINK, topics.name(TopicRole.JOBS), bytes, bytes, JOB_TRACKER);
        return topology;
    }
}

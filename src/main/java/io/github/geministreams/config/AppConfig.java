package io.github.geministreams.config;

import io.github.geministreams.cost.ModelPrice;
import io.github.geministreams.cost.PriceTable;
import io.github.geministreams.model.Mode;
import io.github.geministreams.model.Task;
import io.github.geministreams.prompt.ContextOverflow;
import io.github.geministreams.prompt.InvalidPromptsFileException;
import io.github.geministreams.prompt.PromptCatalog;
import io.github.geministreams.topics.InvalidTopicsFileException;
import io.github.geministreams.topics.TopicPlan;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * The whole configuration, typed and validated, read once at start-up. Immutable.
 * Build it with {@link ConfigLayers}; every invalid value fails with a {@link ConfigException}
 * naming the key, the value and what is expected.
 *
 * @param topics the topics declared in topics.yaml
 * @param kafka Kafka properties passed through to every client we create (SASL, TLS, tuning)
 */
public record AppConfig(
        String applicationId,
        String bootstrapServers,
        TopicPlan topics,
        Optional<Path> stateDir,
        GeminiSettings gemini,
        PipelineSettings pipeline,
        BatchModeSettings batchMode,
        CacheSettings cache,
        PriceTable prices,
        PromptCatalog prompts,
        int metricsPort,
        Map<String, String> kafka) {

    /** The API's limit on texts in one batchEmbedContents request. */
    public static final int MAX_EMBED_TEXTS = 100;

    public AppConfig {
        kafka = Collections.unmodifiableMap(new LinkedHashMap<>(kafka));
    }

    /** The defaults alone. */
    public static AppConfig defaults() {
        return ConfigLayers.defaults().build();
    }

    static AppConfig from(Map<Setting, String> values, Map<String, String> kafka) {
        Reader reader = new Reader(values);
        GeminiSettings gemini = new GeminiSettings(
                reader.string(Setting.GEMINI_API_KEY),
                reader.optionalString(Setting.GEMINI_BASE_URL),
                reader.required(Setting.GENERATE_MODEL),
                reader.required(Setting.EMBED_MODEL),
                reader.intAtLeast(Setting.EMBED_DIMENSIONS, 0),
                reader.optionalString(Setting.EMBED_TASK_TYPE),
                reader.positiveDuration(Setting.REQUEST_TIMEOUT),
                reader.intAtLeast(Setting.MAX_ATTEMPTS, 1),
                reader.positiveDuration(Setting.RETRY_INITIAL_BACKOFF),
                reader.positiveDuration(Setting.RETRY_MAX_BACKOFF),
                reader.longAtLeast(Setting.REQUESTS_PER_MINUTE, 0),
                reader.longAtLeast(Setting.TOKENS_PER_MINUTE, 0),
                reader.bool(Setting.EMBED_TEXTS_COUNT_AS_REQUESTS),
                reader.bool(Setting.QUOTA_GAINED_SHARE_ASSUMED_SPENT),
                reader.positiveDuration(Setting.DAILY_QUOTA_RECHECK),
                reader.list(Setting.GENERATE_MODEL_FALLBACKS),
                reader.choice(Setting.GEMINI_BACKEND, GeminiBackend.values(), GeminiBackend::wireName),
                reader.vertex());
        int embedBundle = reader.intAtLeast(Setting.EMBED_BUNDLE_SIZE, 1);
        if (embedBundle > MAX_EMBED_TEXTS) {
            throw reader.invalid(Setting.EMBED_BUNDLE_SIZE, "at most " + MAX_EMBED_TEXTS + " (the Gemini API's limit)");
        }
        PipelineSettings pipeline = new PipelineSettings(
                reader.tasks(Setting.DEFAULT_TASKS),
                reader.intAtLeast(Setting.PROMPT_MAX_BYTES, 1),
                new EmbedBundleSettings(embedBundle, reader.positiveDuration(Setting.EMBED_BUNDLE_MAX_WAIT),
                        reader.bundlePolicy(Setting.EMBED_BUNDLE_POLICY)),
                reader.intAtLeast(Setting.MAX_IN_FLIGHT, 1),
                reader.positiveDuration(Setting.PUNCTUATE_INTERVAL),
                reader.positiveDuration(Setting.SHUTDOWN_GRACE),
                reader.intAtLeast(Setting.INLINE_DATA_MAX_BYTES, 1),
                reader.choice(Setting.ORDERING, Ordering.values(), Ordering::wireName),
                reader.list(Setting.MODELS_ALLOWED),
                reader.choice(Setting.CONTEXT_OVERFLOW, ContextOverflow.values(), ContextOverflow::wireName),
                reader.modelLimits(Setting.CONTEXT_LIMITS));
        BatchModeSettings batchMode = new BatchModeSettings(
                reader.choice(Setting.MODE_DEFAULT, Mode.values(), Mode::wireName),
                reader.intAtLeast(Setting.BATCH_MAX_PROMPTS, 1),
                reader.positiveDuration(Setting.BATCH_MAX_WAIT),
                reader.positiveDuration(Setting.BATCH_POLL_INITIAL),
                reader.positiveDuration(Setting.BATCH_POLL_MAX),
                reader.positiveDuration(Setting.BATCH_TIMEOUT),
                reader.choice(Setting.BATCH_ON_FAILURE, BatchFailure.values(), BatchFailure::wireName));
        if (batchMode.defaultMode() == Mode.BATCH && gemini.backend() == GeminiBackend.VERTEX_AI) {
            throw reader.invalid(Setting.MODE_DEFAULT, "online with gemini.backend=vertex-ai (the Gemini Batch API "
                    + "with inline requests exists only on the Gemini Developer API)");
        }
        CacheSettings cache = new CacheSettings(
                reader.bool(Setting.CACHE_EMBED),
                reader.bool(Setting.CACHE_GENERATE),
                reader.longAtLeast(Setting.CACHE_MAX_ENTRIES, 1),
                reader.positiveDuration(Setting.CACHE_MAX_AGE));
        return new AppConfig(
                reader.required(Setting.APPLICATION_ID),
                reader.required(Setting.BOOTSTRAP_SERVERS),
                topics(reader.optionalString(Setting.TOPICS_FILE).map(Path::of)),
                reader.optionalString(Setting.STATE_DIR).map(Path::of),
                gemini, pipeline, batchMode, cache, PriceTable.withOverrides(reader.prices(Setting.PRICES)),
                prompts(reader.optionalString(Setting.PROMPTS_FILE).map(Path::of)),
                reader.intAtLeast(Setting.METRICS_PORT, -1), kafka);
    }

    private static TopicPlan topics(Optional<Path> file) {
        try {
            return TopicPlan.load(file);
        } catch (InvalidTopicsFileException e) {
            throw new ConfigException(e);
        }
    }

    private static PromptCatalog prompts(Optional<Path> file) {
        try {
            return PromptCatalog.load(file);
        } catch (InvalidPromptsFileException e) {
            throw new ConfigException(e);
        }
    }

    /** Properties for a plain Kafka client (admin, producer, consumer): bootstrap servers plus pass-through. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new LinkedHashMap<>(kafka);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** A copy with other bootstrap servers (local mode and tests start their own broker). */
    public AppConfig withBootstrapServers(String servers) {
        return new AppConfig(applicationId, servers, topics, stateDir, gemini, pipeline, batchMode, cache, prices, prompts, metricsPort, kafka);
    }

    /** A copy with another Kafka Streams state directory. */
    public AppConfig withStateDir(Path dir) {
        return new AppConfig(applicationId, bootstrapServers, topics, Optional.of(dir), gemini, pipeline, batchMode, cache, prices, prompts, metricsPort, kafka);
    }

    /** A copy with other topics. */
    public AppConfig withTopics(TopicPlan plan) {
        return new AppConfig(applicationId, bootstrapServers, plan, stateDir, gemini, pipeline, batchMode, cache, prices, prompts, metricsPort, kafka);
    }

    /** A copy with other Gemini connection settings. */
    public AppConfig withPrompts(PromptCatalog catalog) {
        return new AppConfig(applicationId, bootstrapServers, topics, stateDir, gemini, pipeline, batchMode, cache, prices, catalog, metricsPort, kafka);
    }

    /** A copy with other batch-mode settings. */
    public AppConfig withBatchMode(BatchModeSettings settings) {
        return new AppConfig(applicationId, bootstrapServers, topics, stateDir, gemini, pipeline, settings, cache, prices,
                prompts, metricsPort, kafka);
    }

    public AppConfig withGemini(GeminiSettings settings) {
        return new AppConfig(applicationId, bootstrapServers, topics, stateDir, settings, pipeline, batchMode, cache, prices, prompts, metricsPort, kafka);
    }

    /** One line per setting for the start-up log; secrets and Kafka passwords masked. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("application.id=" + applicationId);
        lines.add("bootstrap.servers=" + bootstrapServers);
        lines.add("topics=" + topics.origin());
        lines.add("state.dir=" + stateDir.map(Path::toString).orElse("(Kafka Streams' default)"));
        lines.add("gemini=" + gemini);
        lines.add("pipeline=" + pipeline);
        lines.add("batchMode=" + batchMode);
        lines.add("cache=" + cache);
        lines.add("prices=" + prices);
        lines.add("metrics.port=" + (metricsPort < 0 ? "off" : metricsPort));
        StringJoiner kafkaLine = new StringJoiner(", ", "kafka={", "}");
        kafka.forEach((key, value) -> kafkaLine.add(key + "=" + (Secrets.isSecretKey(key) ? Secrets.MASK : value)));
        lines.add(kafkaLine.toString());
        return lines;
    }

    /** Gemini connection, models, retries and quota. {@link #toString()} masks the API key. */
    public record GeminiSettings(
            String apiKey,
            Optional<String> baseUrl,
            String generateModel,
            String embedModel,
            int embedDimensions,
            Optional<String> embedTaskType,
            Duration requestTimeout,
            int maxAttempts,
            Duration initialBackoff,
            Duration maxBackoff,
            long requestsPerMinute,
            long tokensPerMinute,
            boolean embedTextsCountAsRequests,
            boolean gainedShareAssumedSpent,
            Duration dailyQuotaRecheck,
            List<String> generateFallbacks,
            GeminiBackend backend,
            VertexSettings vertex) {

        public GeminiSettings {
            generateFallbacks = List.copyOf(generateFallbacks);
        }

        public boolean hasApiKey() {
            return !apiKey.isBlank();
        }

        public GeminiSettings withConnection(String key, String url) {
            return new GeminiSettings(key, Optional.ofNullable(url), generateModel, embedModel, embedDimensions,
                    embedTaskType, requestTimeout, maxAttempts, initialBackoff, maxBackoff,
                    requestsPerMinute, tokensPerMinute, embedTextsCountAsRequests, gainedShareAssumedSpent, dailyQuotaRecheck,
                    generateFallbacks, backend, vertex);
        }

        @Override
        public String toString() {
            return "{apiKey=" + (hasApiKey() ? Secrets.MASK : "(none)")
                    + ", baseUrl=" + baseUrl.orElse("(SDK default)")
                    + ", generateModel=" + generateModel + ", embedModel=" + embedModel
                    + ", embedDimensions=" + embedDimensions + ", embedTaskType=" + embedTaskType.orElse("(none)")
                    + ", requestTimeout=" + Durations.format(requestTimeout) + ", maxAttempts=" + maxAttempts
                    + ", backoff=" + Durations.format(initialBackoff) + ".." + Durations.format(maxBackoff)
                    + ", requestsPerMinute=" + limit(requestsPerMinute)
                    + ", tokensPerMinute=" + limit(tokensPerMinute)
                    + ", embedTextsCountAsRequests=" + embedTextsCountAsRequests
                    + ", gainedShareAssumedSpent=" + gainedShareAssumedSpent
                    + ", dailyQuotaRecheck=" + Durations.format(dailyQuotaRecheck)
                    + ", generateFallbacks=" + generateFallbacks + ", backend=" + backend.wireName()
                    + (backend == GeminiBackend.VERTEX_AI ? ", vertex=" + vertex : "") + "}";
        }

        private static String limit(long value) {
            return value == 0 ? "unlimited" : Long.toString(value);
        }
    }

    /**
     * Vertex AI's project and location, and where its credentials come from.
     *
     * @param credentialsFile a service-account JSON key file, or empty for Application Default Credentials
     */
    public record VertexSettings(Optional<String> project, String location, Optional<Path> credentialsFile) {
        @Override
        public String toString() {
            return "{project=" + project.orElse("(none)") + ", location=" + location + ", credentials="
                    + credentialsFile.map(Path::toString).orElse("(Application Default Credentials)") + "}";
        }
    }

    /**
     * How prompts are validated, batched, kept in flight and ordered.
     *
     * @param allowedModels  the models prompts may name; empty = the configured ones and the fallbacks
     * @param contextLimits  input token limits per model, over the built-in table
     */
    public record PipelineSettings(
            Set<Task> defaultTasks,
            int promptMaxBytes,
            EmbedBundleSettings embedBundle,
            int maxInFlight,
            Duration punctuateInterval,
            Duration shutdownGrace,
            int inlineDataMaxBytes,
            Ordering ordering,
            List<String> allowedModels,
            ContextOverflow contextOverflow,
            Map<String, Long> contextLimits) {

        public PipelineSettings {
            defaultTasks = Collections.unmodifiableSet(EnumSet.copyOf(defaultTasks));
            allowedModels = List.copyOf(allowedModels);
            contextLimits = Collections.unmodifiableMap(new LinkedHashMap<>(contextLimits));
        }
    }

    /**
     * An embed bundle is dispatched when it holds {@code size} items, when its oldest has waited
     * {@code maxWait}, or sooner as {@code policy} allows. Generate prompts are one request each
     * and never wait for each other.
     */
    public record EmbedBundleSettings(int size, Duration maxWait, EmbedBundlePolicy policy) {
        @Override
        public String toString() {
            return "{size=" + size + ", maxWait=" + Durations.format(maxWait) + ", policy=" + policy.wireName() + "}";
        }
    }

    /**
     * How batch-mode prompts become Gemini Batch API jobs.
     *
     * @param defaultMode the mode of a prompt that names none
     * @param maxPrompts  most prompts per job
     * @param maxWait     longest a prompt waits for its job to fill
     * @param pollInitial first wait before a job's state is read; doubles up to {@code pollMax}
     * @param timeout     a job not finished this long after its creation is cancelled
     * @param onFailure   where the prompts of a failed, expired or cancelled job go
     */
    public record BatchModeSettings(Mode defaultMode, int maxPrompts, Duration maxWait, Duration pollInitial,
                                    Duration pollMax, Duration timeout, BatchFailure onFailure) {
        /** These settings with jobs cut after {@code wait} and polled from {@code poll} on. */
        public BatchModeSettings withTiming(Duration wait, Duration poll) {
            return new BatchModeSettings(defaultMode, maxPrompts, wait, poll, pollMax, timeout, onFailure);
        }

        @Override
        public String toString() {
            return "{defaultMode=" + defaultMode.wireName() + ", maxPrompts=" + maxPrompts
                    + ", maxWait=" + Durations.format(maxWait) + ", poll=" + Durations.format(pollInitial) + ".."
                    + Durations.format(pollMax) + ", timeout=" + Durations.format(timeout)
                    + ", onFailure=" + onFailure.wireName() + "}";
        }
    }

    /**
     * The cache of answers to repeated requests, shared by every instance.
     *
     * @param embed      embed tasks are answered from it
     * @param generate   generate tasks are answered from it (identical requests only)
     * @param maxEntries most entries an instance's copy keeps
     * @param maxAge     oldest entry that still answers
     */
    public record CacheSettings(boolean embed, boolean generate, long maxEntries, Duration maxAge) {
        @Override
        public String toString() {
            return "{embed=" + embed + ", generate=" + generate + ", maxEntries=" + maxEntries
                    + ", maxAge=" + Durations.format(maxAge) + "}";
        }
    }

    /** Typed reads of raw values with errors that name the key. */
    private record Reader(Map<Setting, String> values) {
        String string(Setting setting) {
            return values.getOrDefault(setting, setting.defaultValue()).trim();
        }

        Optional<String> optionalString(Setting setting) {
            String value = string(setting);
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        String required(Setting setting) {
            return optionalString(setting).orElseThrow(() -> invalid(setting, "a non-empty value"));
        }

        int intAtLeast(Setting setting, int minimum) {
            long value = longAtLeast(setting, minimum);
            if (value > Integer.MAX_VALUE) {
                throw invalid(setting, "a number up to " + Integer.MAX_VALUE);
            }
            return (int) value;
        }

        long longAtLeast(Setting setting, long minimum) {
            long value;
            try {
                value = Long.parseLong(string(setting));
            } catch (NumberFormatException e) {
                throw invalid(setting, "a whole number");
            }
            if (value < minimum) {
                throw invalid(setting, "a number of at least " + minimum);
            }
            return value;
        }

        Duration positiveDuration(Setting setting) {
            Duration duration;
            try {
                duration = Durations.parse(string(setting));
            } catch (IllegalArgumentException e) {
                throw invalid(setting, "a duration such as 250ms, 30s or 2m");
            }
            if (duration.isNegative() || duration.isZero()) {
                throw invalid(setting, "a duration above zero");
            }
            return duration;
        }

        boolean bool(Setting setting) {
            String value = string(setting);
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(value);
            }
            throw invalid(setting, "true or false");
        }

        EmbedBundlePolicy bundlePolicy(Setting setting) {
            EmbedBundlePolicy policy = EmbedBundlePolicy.fromWireName(string(setting));
            if (policy == null) {
                throw invalid(setting, "adaptive or fixed");
            }
            return policy;
        }

        Set<Task> tasks(Setting setting) {
            Set<Task> tasks = EnumSet.noneOf(Task.class);
            for (String name : string(setting).split(",")) {
                Task task = Task.fromWireName(name.trim());
                if (task == null) {
                    throw invalid(setting, "a comma-separated list of generate, embed");
                }
                tasks.add(task);
            }
            return tasks;
        }

        /** A comma-separated list; empty entries are dropped. */
        List<String> list(Setting setting) {
            List<String> values = new ArrayList<>();
            for (String value : string(setting).split(",")) {
                if (!value.isBlank()) {
                    values.add(value.trim());
                }
            }
            return values;
        }

        <E extends Enum<E>> E choice(Setting setting, E[] choices, Function<E, String> wireName) {
            StringJoiner names = new StringJoiner(", ");
            for (E choice : choices) {
                if (wireName.apply(choice).equalsIgnoreCase(string(setting))) {
                    return choice;
                }
                names.add(wireName.apply(choice));
            }
            throw invalid(setting, "one of " + names);
        }

        /** {@code model=tokens,...} with positive limits. */
        Map<String, Long> modelLimits(Setting setting) {
            Map<String, Long> limits = new LinkedHashMap<>();
            for (String entry : list(setting)) {
                int equals = entry.indexOf('=');
                try {
                    long limit = Long.parseLong(entry.substring(equals + 1).trim());
                    if (equals < 1 || limit < 1) {
                        throw new NumberFormatException();
                    }
                    limits.put(entry.substring(0, equals).trim(), limit);
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    throw invalid(setting, "comma-separated model=tokens with positive token counts");
                }
            }
            return limits;
        }

        /** {@code model=input/output/batchInput/batchOutput,...} in USD per million tokens. */
        Map<String, ModelPrice> prices(Setting setting) {
            Map<String, ModelPrice> prices = new LinkedHashMap<>();
            for (String entry : list(setting)) {
                int equals = entry.indexOf('=');
                String[] values = equals < 1 ? new String[0] : entry.substring(equals + 1).split("/");
                try {
                    if (values.length != 4) {
                        throw new NumberFormatException();
                    }
                    prices.put(entry.substring(0, equals).trim(), new ModelPrice(Double.parseDouble(values[0].trim()),
                            Double.parseDouble(values[1].trim()), Double.parseDouble(values[2].trim()),
                            Double.parseDouble(values[3].trim())));
                } catch (IllegalArgumentException e) {
                    throw invalid(setting, "comma-separated model=input/output/batchInput/batchOutput, "
                            + "non-negative USD per million tokens");
                }
            }
            return prices;
        }

        VertexSettings vertex() {
            return new VertexSettings(optionalString(Setting.VERTEX_PROJECT), required(Setting.VERTEX_LOCATION),
                    optionalString(Setting.VERTEX_CREDENTIALS_FILE).map(Path::of));
        }

        ConfigException invalid(Setting setting, String expected) {
            String shown = setting.secret() ? Secrets.MASK : "'" + string(setting) + "'";
            return new ConfigException("Invalid " + setting.key() + " (" + setting.envVariable() + "): "
                    + shown + "; expected " + expected);
        }
    }
}

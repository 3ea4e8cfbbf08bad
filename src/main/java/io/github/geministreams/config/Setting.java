package io.github.geministreams.config;

import java.util.Locale;

/**
 * Every setting of gemini-streams that is not a Kafka property: its key, default and meaning.
 *
 * <p>Keys are written as in a properties file. The environment variable for a key is
 * {@code GEMINI_STREAMS_} followed by the key in upper case with dots and dashes as
 * underscores ({@code embed.bundle.size} → {@code GEMINI_STREAMS_EMBED_BUNDLE_SIZE}); a few
 * keys also have a conventional variable of their own ({@link #envAlias()}).
 * docs/configuration.md is this table (ConfigurationReferenceTest checks it).
 */
public enum Setting {
    APPLICATION_ID("application.id", "gemini-streams",
            "Kafka Streams application id: consumer group, transactional ids and internal topic prefix."),
    BOOTSTRAP_SERVERS("bootstrap.servers", "localhost:9092",
            "Kafka bootstrap servers.", "KAFKA_BOOTSTRAP_SERVERS"),
    TOPICS_FILE("topics.file", "",
            "topics.yaml to use; empty = ./topics.yaml if present, else the copy built into the jar."),
    STATE_DIR("state.dir", "",
            "Kafka Streams state directory, one per instance; empty = <java.io.tmpdir>/gemini-streams/<application.id>/"
                    + "instance-N, the first N no running process holds, so instances on one host need no setting "
                    + "and a restart finds its state (local: a temporary directory)."),

    GEMINI_API_KEY("gemini.api.key", "",
            "Gemini API key. Never logged.", "GEMINI_API_KEY"),
    GEMINI_BASE_URL("gemini.base.url", "",
            "Gemini API base URL; empty = the SDK's default (which honours GOOGLE_GEMINI_BASE_URL).",
            "GEMINI_BASE_URL"),
    GEMINI_BACKEND("gemini.backend", "gemini-api",
            "gemini-api (an API key) or vertex-ai (a Google Cloud project, location and credentials)."),
    VERTEX_PROJECT("gemini.vertex.project", "", "Google Cloud project for vertex-ai.", "GOOGLE_CLOUD_PROJECT"),
    VERTEX_LOCATION("gemini.vertex.location", "us-central1", "Google Cloud location for vertex-ai.",
            "GOOGLE_CLOUD_LOCATION"),
    VERTEX_CREDENTIALS_FILE("gemini.vertex.credentials.file", "",
            "Service-account JSON key file for vertex-ai; empty = Application Default Credentials. Its content is "
                    + "never logged."),
    GENERATE_MODEL("gemini.generate.model", "gemini-2.5-flash", "Model for the generate task."),
    GENERATE_MODEL_FALLBACKS("gemini.generate.model.fallbacks", "",
            "Models to generate with, in order, when a model's daily quota is exhausted, it answers 404, or it stays "
                    + "overloaded (503) after its retries; comma-separated, empty = none."),
    MODELS_ALLOWED("gemini.models.allowed", "",
            "Models a prompt may name in 'model', comma-separated; empty = the generate and embed models and the "
                    + "fallbacks. Any other is dead-lettered at parse."),
    CONTEXT_OVERFLOW("gemini.context.overflow", "dead-letter",
            "A prompt over its model's input token limit: dead-letter (with the count and the limit) or truncate."),
    CONTEXT_LIMITS("gemini.context.limits", "",
            "Input token limits per model over the built-in table, comma-separated model=tokens."),
    EMBED_MODEL("gemini.embed.model", "gemini-embedding-001", "Model for the embed task."),
    EMBED_DIMENSIONS("gemini.embed.dimensions", "768", "Output dimensionality of embeddings; 0 = model default."),
    EMBED_TASK_TYPE("gemini.embed.task.type", "RETRIEVAL_DOCUMENT", "Embedding task type; empty = none."),
    REQUEST_TIMEOUT("gemini.request.timeout", "60s", "Timeout of one Gemini HTTP request."),
    MAX_ATTEMPTS("gemini.max.attempts", "6", "Attempts per Gemini call before the item is dead-lettered."),
    RETRY_INITIAL_BACKOFF("gemini.retry.initial.backoff", "500ms", "First retry delay; doubles each attempt."),
    RETRY_MAX_BACKOFF("gemini.retry.max.backoff", "30s", "Longest retry delay (a server's retryDelay may exceed it)."),
    REQUESTS_PER_MINUTE("gemini.rate.requests.per.minute", "0", "Requests-per-minute quota; 0 = unlimited."),
    TOKENS_PER_MINUTE("gemini.rate.tokens.per.minute", "0", "Tokens-per-minute quota; 0 = unlimited."),
    EMBED_TEXTS_COUNT_AS_REQUESTS("gemini.rate.embed.texts.count.as.requests", "true",
            "Each text of a batch embed request counts against the requests-per-minute quota, as the Gemini API "
                    + "counts it; false = a batch counts once."),
    QUOTA_GAINED_SHARE_ASSUMED_SPENT("gemini.quota.gained.share.assumed.spent", "true",
            "A quota share this instance gains (a partition it takes over) counts as spent in the last minute by its "
                    + "previous owner, so it is taken up over 60 s; false = at once (one instance alone on its key)."),
    DAILY_QUOTA_RECHECK("gemini.quota.daily.recheck", "10m",
            "While a daily quota is exhausted, how often a held request tries again (sooner if the server says so)."),

    MODE_DEFAULT("gemini.mode.default", "online",
            "Mode of a prompt that names none: online (answered at once) or batch (a Gemini Batch API job at half the "
                    + "price, answered when the job ends; see Cost)."),
    BATCH_MAX_PROMPTS("gemini.batch.max.prompts", "1000",
            "Most prompts in one Batch API job (its create request also stays under the API's 20 MB)."),
    BATCH_MAX_WAIT("gemini.batch.max.wait", "5m",
            "Longest a batch-mode prompt waits for its job to fill before the job is created."),
    BATCH_POLL_INITIAL("gemini.batch.poll.initial", "10s",
            "First wait before a batch job's state is read; doubles with every read that finds it unfinished."),
    BATCH_POLL_MAX("gemini.batch.poll.max", "5m", "Longest wait between two reads of a batch job's state."),
    BATCH_TIMEOUT("gemini.batch.timeout", "24h",
            "A batch job not finished this long after its creation is cancelled; its prompts go where "
                    + "gemini.batch.on.failure says."),
    BATCH_ON_FAILURE("gemini.batch.on.failure", "dead-letter",
            "Prompts of a batch job that failed, expired or was cancelled: dead-letter (with the job's state and "
                    + "error) or online (sent again at the online price)."),
    PRICES("gemini.prices", "",
            "Prices over the built-in table (see Cost), comma-separated "
                    + "model=input/output/batchInput/batchOutput in USD per million tokens."),
    CACHE_EMBED("cache.embed.enabled", "true",
            "Answer an embed task from the cache when the same model, dimensions, task type and text were embedded "
                    + "before, by any instance."),
    CACHE_GENERATE("cache.generate.enabled", "false",
            "Answer a generate task from the cache when an identical request (model, system, content, generation "
                    + "settings) was answered before."),
    CACHE_MAX_ENTRIES("cache.max.entries", "100000",
            "Most entries each instance's copy of the cache keeps; the oldest are dropped first."),
    CACHE_MAX_AGE("cache.max.age", "720h",
            "Oldest cache entry that still answers (30 days); older entries are dropped."),

    PROMPTS_FILE("prompts.file", "",
            "YAML file of named templates, named JSON schemas and the defaults of every prompt (see Prompts); "
                    + "empty = none."),
    DEFAULT_TASKS("tasks.default", "generate", "Tasks for prompts that name none: generate, embed, or both."),
    PROMPT_MAX_BYTES("prompt.max.bytes", "65536", "Largest accepted prompt value in bytes; larger goes to dead-letter."),
    INLINE_DATA_MAX_BYTES("prompt.inline.data.max.bytes", "1048576",
            "Largest inlineData part of a prompt, decoded, in bytes; larger goes to dead-letter."),
    ORDERING("ordering", "none",
            "none: outputs as answers come; key: outputs of prompts with the same key in their input order."),
    EMBED_BUNDLE_SIZE("embed.bundle.size", "100", "Texts per embed request (a bundle; at most 100, the API's limit).",
            null, "embed.batch.size"),
    EMBED_BUNDLE_MAX_WAIT("embed.bundle.max.wait", "100ms", "Longest an embed item waits for its bundle to fill (10x as long "
            + "while requests queue for the quota).", null, "embed.batch.max.wait"),
    EMBED_BUNDLE_POLICY("embed.bundle.policy", "adaptive",
            "adaptive: a partial bundle goes at once when a permit is free, it would not fill before max.wait "
                    + "and its prompts are fresh (no backlog); fixed: only at max.wait.", null, "embed.batch.policy"),
    MAX_IN_FLIGHT("max.in.flight", "4096", "Most concurrent Gemini requests per instance (an embed bundle is one): a cap; "
            + "the limit in force follows the quota at the observed latency (gauge concurrency_limit)."),
    PUNCTUATE_INTERVAL("punctuate.interval", "10ms", "Tick of the wall-clock punctuator that flushes and drains."),
    SHUTDOWN_GRACE("shutdown.grace", "30s", "How long a stop waits for in-flight calls to finish."),

    METRICS_PORT("metrics.port", "9400", "Port of the Prometheus /metrics and the /health endpoints; 0 = a free port, -1 = off.");

    private final String key;
    private final String defaultValue;
    private final String description;
    private final String envAlias;
    private final String formerKey;

    Setting(String key, String defaultValue, String description) {
        this(key, defaultValue, description, null);
    }

    Setting(String key, String defaultValue, String description, String envAlias) {
        this(key, defaultValue, description, envAlias, null);
    }

    Setting(String key, String defaultValue, String description, String envAlias, String formerKey) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.envAlias = envAlias;
        this.formerKey = formerKey;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** A conventional environment variable that also sets this key, or null. */
    public String envAlias() {
        return envAlias;
    }

    /**
     * The key this setting had before it was renamed, or null. It still sets the setting (in a
     * file, a flag or as {@code GEMINI_STREAMS_} variable), with a warning that names the new key.
     */
    public String formerKey() {
        return formerKey;
    }

    /** {@code GEMINI_STREAMS_EMBED_BUNDLE_SIZE} for {@code embed.bundle.size}. */
    public String envVariable() {
        return envVariableOf(key);
    }

    /** The {@code GEMINI_STREAMS_} variable of {@link #formerKey()}, or null. */
    public String formerEnvVariable() {
        return formerKey == null ? null : envVariableOf(formerKey);
    }

    private static String envVariableOf(String key) {
        return "GEMINI_STREAMS_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** True for values that must never be printed. */
    public boolean secret() {
        return this == GEMINI_API_KEY;
    }
}

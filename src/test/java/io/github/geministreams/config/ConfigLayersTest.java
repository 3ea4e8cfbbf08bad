package io.github.geministreams.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.app.PipelineExceptionHandler;
import io.github.geministreams.app.StreamsProperties;
import io.github.geministreams.cost.ModelPrice;
import io.github.geministreams.cost.PriceTable;
import io.github.geministreams.model.Task;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailProcessingExceptionHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLayersTest {
    @TempDir
    Path dir;

    @Test
    void shouldUseDocumentedDefaults() {
        AppConfig config = AppConfig.defaults();
        assertEquals("gemini-streams", config.applicationId());
        assertEquals("localhost:9092", config.bootstrapServers());
        assertEquals(100, config.pipeline().embedBundle().size());
        assertEquals(Set.of(Task.GENERATE), config.pipeline().defaultTasks());
        assertEquals(0, config.gemini().requestsPerMinute());
        assertEquals("exactly_once_v2", StreamsProperties.of(config).get("processing.guarantee"));
    }

    @Test
    void shouldLetEachLayerOverrideTheOneBelow() throws IOException {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "embed.bundle.size=50\nmax.in.flight=8\nembed.bundle.max.wait=1s\n");
        Map<String, String> env = Map.of("GEMINI_STREAMS_MAX_IN_FLIGHT", "16", "GEMINI_STREAMS_EMBED_BUNDLE_MAX_WAIT", "2s");
        Map<String, String> flags = Map.of("embed.bundle.max.wait", "3s");

        AppConfig config = ConfigLayers.load(file, env, flags).build();

        assertEquals(50, config.pipeline().embedBundle().size());
        assertEquals(16, config.pipeline().maxInFlight());
        assertEquals(Duration.ofSeconds(3), config.pipeline().embedBundle().maxWait());
    }

    @Test
    void shouldPassKafkaVariablesAndFilePropertiesThroughToKafka() throws IOException {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, "security.protocol=SASL_SSL\nkafka.sasl.mechanism=PLAIN\n");
        Map<String, String> env = Map.of("KAFKA_MAX_POLL_RECORDS", "500", "KAFKA_HEAP_OPTS", "-Xmx1g",
                "KAFKA_BOOTSTRAP_SERVERS", "broker:9093");

        AppConfig config = ConfigLayers.load(file, env, Map.of()).build();

        assertEquals("SASL_SSL", config.kafka().get("security.protocol"));
        assertEquals("PLAIN", config.kafka().get("sasl.mechanism"));
        assertEquals("500", config.kafka().get("max.poll.records"));
        assertFalse(config.kafka().containsKey("heap.opts"), "launcher variables are not Kafka properties");
        assertEquals("broker:9093", config.bootstrapServers());
        assertEquals("SASL_SSL", StreamsProperties.of(config).get("security.protocol"));
        assertEquals("broker:9093", StreamsProperties.of(config).get("bootstrap.servers"));
    }

    @Test
    void shouldSkipBadRecordsOnlyWhereNoPromptIsLostUnlessKafkaPropertiesSayOtherwise() {
        Properties defaults = StreamsProperties.of(AppConfig.defaults());
        assertEquals(LogAndContinueExceptionHandler.class.getName(), defaults.get("deserialization.exception.handler"));
        assertEquals(PipelineExceptionHandler.class.getName(), defaults.get("processing.exception.handler"));

        Properties overridden = StreamsProperties.of(ConfigLayers.defaults().withAll(Map.of(
                "deserialization.exception.handler", LogAndFailExceptionHandler.class.getName(),
                "kafka.processing.exception.handler", LogAndFailProcessingExceptionHandler.class.getName()))
                .build());
        assertEquals(LogAndFailExceptionHandler.class.getName(), overridden.get("deserialization.exception.handler"));
        assertEquals(LogAndFailProcessingExceptionHandler.class.getName(), overridden.get("processing.exception.handler"));
    }

    @Test
    void shouldReadGeminiKeyAndBaseUrlFromTheirConventionalVariables() {
        AppConfig config = ConfigLayers.load(null,
                Map.of("GEMINI_API_KEY", "k-123", "GEMINI_BASE_URL", "http://127.0.0.1:1234"), Map.of()).build();
        assertEquals("k-123", config.gemini().apiKey());
        assertEquals("http://127.0.0.1:1234", config.gemini().baseUrl().orElseThrow());
    }

    @Test
    void shouldNeverShowTheApiKeyOrKafkaPasswordsInTheDescription() {
        AppConfig config = ConfigLayers.load(null, Map.of("GEMINI_API_KEY", "super-secret-key"),
                Map.of("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"hunter2\";"))
                .build();
        String description = String.join("\n", config.describe());
        assertFalse(description.contains("super-secret-key"), description);
        assertFalse(description.contains("hunter2"), description);
        assertTrue(description.contains("sasl.jaas.config=" + Secrets.MASK), description);
    }

    @Test
    void shouldStillAcceptTheFormerEmbedBatchKeysAndVariables() throws IOException {
        Path file = dir.resolve("former.properties");
        Files.writeString(file, "embed.batch.size=50\n");
        AppConfig config = ConfigLayers.load(file, Map.of("GEMINI_STREAMS_EMBED_BATCH_MAX_WAIT", "2s"),
                Map.of("embed.batch.policy", "fixed")).build();
        assertEquals(50, config.pipeline().embedBundle().size());
        assertEquals(Duration.ofSeconds(2), config.pipeline().embedBundle().maxWait());
        assertEquals(EmbedBundlePolicy.FIXED, config.pipeline().embedBundle().policy());
        assertEquals("embed.batch.size", Setting.EMBED_BUNDLE_SIZE.formerKey());
        assertEquals("GEMINI_STREAMS_EMBED_BATCH_SIZE", Setting.EMBED_BUNDLE_SIZE.formerEnvVariable());
    }

    @Test
    void shouldRejectAnEmbedBundleAboveTheApiLimitNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> ConfigLayers.load(null, Map.of(), Map.of("embed.bundle.size", "101")).build());
        assertTrue(error.getMessage().contains("embed.bundle.size"), error.getMessage());
        assertTrue(error.getMessage().contains("at most 100"), error.getMessage());
    }

    @Test
    void shouldStopTheStartOnAnUnreadableTopicsOrPromptsFileAsAConfigurationError() throws IOException {
        Path topics = Files.writeString(dir.resolve("topics.yaml"), "not-topics: {}\n");
        ConfigException badTopics = assertThrows(ConfigException.class, () -> with("topics.file", topics.toString()));
        assertTrue(badTopics.getMessage().contains("expected a top-level 'topics:' map"), badTopics.getMessage());

        Path missing = dir.resolve("no-such-prompts.yaml");
        ConfigException badPrompts = assertThrows(ConfigException.class, () -> with("prompts.file", missing.toString()));
        assertTrue(badPrompts.getMessage().contains("Cannot read the prompts file " + missing), badPrompts.getMessage());
    }

    @Test
    void shouldRejectBatchModeByDefaultOnVertexAiNamingTheKey() {
        ConfigException error = assertThrows(ConfigException.class, () -> ConfigLayers.load(null, Map.of(),
                Map.of("gemini.mode.default", "batch", "gemini.backend", "vertex-ai")).build());
        assertTrue(error.getMessage().contains("gemini.mode.default"), error.getMessage());
        assertTrue(error.getMessage().contains("vertex-ai"), error.getMessage());
    }

    @Test
    void shouldRejectBadValuesWithTheKeyAndTheExpectation() {
        ConfigException duration = assertThrows(ConfigException.class,
                () -> ConfigLayers.load(null, Map.of(), Map.of("embed.bundle.max.wait", "soon")).build());
        assertTrue(duration.getMessage().contains("embed.bundle.max.wait"), duration.getMessage());
        ConfigException tasks = assertThrows(ConfigException.class,
                () -> ConfigLayers.load(null, Map.of(), Map.of("tasks.default", "summarize")).build());
        assertTrue(tasks.getMessage().contains("generate, embed"), tasks.getMessage());
        ConfigException unknown = assertThrows(ConfigException.class,
                () -> ConfigLayers.load(null, Map.of("GEMINI_STREAMS_BATCH", "3"), Map.of()).build());
        assertTrue(unknown.getMessage().contains("GEMINI_STREAMS_BATCH"), unknown.getMessage());
    }

    @Test
    void shouldParseDurationsInOurFormsAndIso() {
        assertEquals(Duration.ofMillis(250), Durations.parse("250ms"));
        assertEquals(Duration.ofSeconds(30), Durations.parse("30s"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m"));
        assertEquals(Duration.ofMillis(1500), Durations.parse("PT1.5S"));
        assertEquals(Duration.ofMillis(40), Durations.parse("40"));
    }

    private static AppConfig with(String key, String value) {
        return ConfigLayers.load(null, Map.of(), Map.of(key, value)).build();
    }

    private static String rejection(String key, String value) {
        return assertThrows(ConfigException.class, () -> with(key, value)).getMessage();
    }

    @Test
    void shouldLayPricesOverThePublishedTable() {
        PriceTable prices = with("gemini.prices",
                "gemini-2.5-flash = 0.2/2/0.1/1, my-tuned-model=1.5/3/0.75/1.5").prices();
        assertEquals(Optional.of(new ModelPrice(0.2, 2, 0.1, 1)), prices.of("gemini-2.5-flash"), "overridden");
        assertEquals(Optional.of(new ModelPrice(1.5, 3, 0.75, 1.5)), prices.of("my-tuned-model"), "added");
        assertEquals(PriceTable.published().of("gemini-2.5-pro"), prices.of("gemini-2.5-pro"), "kept");
        assertEquals(PriceTable.published().all(), AppConfig.defaults().prices().all(), "none set: the published table");
    }

    @Test
    void shouldRejectPricesThatAreNotFourNonNegativeNumbersNamingTheKey() {
        for (String bad : new String[] {"gemini-2.5-flash=0.3/2.5/0.15", "gemini-2.5-flash=0.3/2.5/0.15/1.25/9",
                "gemini-2.5-flash=0.3/2.5/0.15/-1", "gemini-2.5-flash=0.3/cheap/0.15/1.25", "=0.3/2.5/0.15/1.25",
                "gemini-2.5-flash", "gemini-2.5-flash=NaN/2.5/0.15/1.25"}) {
            String message = rejection("gemini.prices", bad);
            assertTrue(message.contains("gemini.prices") && message.contains("GEMINI_STREAMS_GEMINI_PRICES")
                    && message.contains("'" + bad + "'") && message.contains("model=input/output/batchInput/batchOutput"),
                    message);
        }
    }

    @Test
    void shouldReadBooleansInAnyCaseAndRejectAnythingElse() {
        assertFalse(with("gemini.rate.embed.texts.count.as.requests", "FALSE").gemini().embedTextsCountAsRequests());
        assertTrue(with("gemini.rate.embed.texts.count.as.requests", "True").gemini().embedTextsCountAsRequests());
        assertFalse(with("gemini.quota.gained.share.assumed.spent", "false").gemini().gainedShareAssumedSpent());
        String message = rejection("gemini.quota.gained.share.assumed.spent", "yes");
        assertTrue(message.contains("gemini.quota.gained.share.assumed.spent") && message.contains("true or false"),
                message);
    }

    @Test
    void shouldAcceptTheSmallestAllowedNumberAndRejectOneBelow() {
        assertEquals(1, with("max.in.flight", "1").pipeline().maxInFlight());
        assertTrue(rejection("max.in.flight", "0").contains("a number of at least 1"));
        assertEquals(-1, with("metrics.port", "-1").metricsPort());
        assertTrue(rejection("metrics.port", "-2").contains("a number of at least -1"));
        assertEquals(Integer.MAX_VALUE, with("prompt.max.bytes", String.valueOf(Integer.MAX_VALUE)).pipeline().promptMaxBytes());
        String tooLarge = rejection("prompt.max.bytes", String.valueOf(Integer.MAX_VALUE + 1L));
        assertTrue(tooLarge.contains("a number up to " + Integer.MAX_VALUE), tooLarge);
        assertTrue(rejection("prompt.max.bytes", "many").contains("a whole number"));
    }

    @Test
    void shouldReadTheBatchPolicyAndRejectAnUnknownOne() {
        assertEquals(EmbedBundlePolicy.FIXED, with("embed.bundle.policy", "fixed").pipeline().embedBundle().policy());
        assertEquals(EmbedBundlePolicy.ADAPTIVE, with("embed.bundle.policy", "adaptive").pipeline().embedBundle().policy());
        String message = rejection("embed.bundle.policy", "eager");
        assertTrue(message.contains("'eager'") && message.contains("adaptive or fixed"), message);
    }

    @Test
    void shouldRejectAZeroOrNegativeDuration() {
        assertTrue(rejection("punctuate.interval", "0ms").contains("a duration above zero"));
        assertTrue(rejection("punctuate.interval", "0s").contains("a duration above zero"));
    }

    @Test
    void shouldDescribeTheMetricsPortOrSayItIsOff() {
        assertTrue(with("metrics.port", "0").describe().contains("metrics.port=0"));
        assertTrue(with("metrics.port", "-1").describe().contains("metrics.port=off"));
    }

    @Test
    void shouldSetTheStateDirOnlyWhenConfigured() {
        assertFalse(StreamsProperties.of(ConfigLayers.defaults().build()).containsKey("state.dir"));
        assertEquals("/tmp/somewhere", StreamsProperties.of(with("state.dir", "/tmp/somewhere")).getProperty("state.dir"));
    }

    @Test
    void shouldKnowWhichKafkaKeysHoldCredentials() {
        for (String key : new String[] {"ssl.keystore.password", "sasl.jaas.config", "client.secret", "my.api.key",
                "sasl.oauthbearer.token.endpoint.url", "basic.auth.user.credentials", "SSL.KEY.PASSWORD"}) {
            assertTrue(Secrets.isSecretKey(key), key);
        }
        for (String key : new String[] {"max.poll.records", "security.protocol", "apikey.header"}) {
            assertFalse(Secrets.isSecretKey(key), key);
        }
    }

    @Test
    void shouldFormatDurationsInTheirShortestForm() {
        assertEquals("30s", Durations.format(Duration.ofSeconds(30)));
        assertEquals("1500ms", Durations.format(Duration.ofMillis(1500)));
        assertEquals("0s", Durations.format(Duration.ZERO));
    }

    @Test
    void shouldMaskOnlyTheApiKeyAndDescribeTheGeminiSettings() {
        AppConfig.GeminiSettings settings = ConfigLayers.load(null, Map.of(), Map.of("gemini.api.key", "sk-123",
                "gemini.rate.requests.per.minute", "600", "gemini.request.timeout", "1500ms")).build().gemini();
        assertTrue(settings.hasApiKey());
        String shown = settings.toString();
        assertFalse(shown.contains("sk-123"), shown);
        assertTrue(shown.contains("apiKey=" + Secrets.MASK), shown);
        assertTrue(shown.contains("requestsPerMinute=600"), shown);
        assertTrue(shown.contains("tokensPerMinute=unlimited"), shown);
        assertTrue(shown.contains("requestTimeout=1500ms"), shown);
        AppConfig.GeminiSettings keyless = ConfigLayers.load(null, Map.of(), Map.of("gemini.api.key", "  ")).build().gemini();
        assertFalse(keyless.hasApiKey());
        assertTrue(keyless.toString().contains("apiKey=(none)"), keyless.toString());
    }

    @Test
    void shouldNameEachSettingsVariableAndMaskOnlyTheApiKeyInErrors() {
        assertEquals("GEMINI_STREAMS_EMBED_BUNDLE_SIZE", Setting.EMBED_BUNDLE_SIZE.envVariable());
        assertTrue(Setting.GEMINI_API_KEY.secret());
        assertFalse(Setting.EMBED_BUNDLE_SIZE.secret());
        String message = rejection("embed.bundle.size", "lots");
        assertTrue(message.contains("'lots'") && message.contains("GEMINI_STREAMS_EMBED_BUNDLE_SIZE"), message);
    }
}

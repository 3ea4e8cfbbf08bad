package io.github.geministreams.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.genai.Client;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.ConfigLayers;
import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.genai.GenAiBatchClient;
import io.github.geministreams.gemini.genai.GenAiSettings;
import io.github.geministreams.serde.Json;
import io.github.geministreams.simulator.GeminiSimulator;
import io.github.geministreams.simulator.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backend choice, and Vertex AI with a service-account key made in the test: the key's
 * {@code token_uri} is the simulator's token endpoint, so nothing here reaches the network.
 */
class GeminiClientsTest {
    private static final String PROJECT = "acme-prod";
    private static final String LOCATION = "europe-west4";

    @TempDir
    Path dir;

    private final GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().build());

    @AfterEach
    void close() {
        simulator.close();
    }

    private AppConfig config(Map<String, String> settings) {
        return ConfigLayers.defaults().withAll(settings).build();
    }

    private AppConfig vertexConfig(Path keyFile) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "gemini.backend", "vertex-ai",
                "gemini.vertex.project", PROJECT,
                "gemini.vertex.location", LOCATION,
                "gemini.base.url", simulator.baseUrl()));
        if (keyFile != null) {
            settings.put("gemini.vertex.credentials.file", keyFile.toString());
        }
        return config(settings);
    }

    /** A service-account key file with a fresh RSA key, whose tokens come from the simulator. */
    private Path serviceAccountKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(generator.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode key = Json.MAPPER.createObjectNode()
                .put("type", "service_account")
                .put("project_id", PROJECT)
                .put("private_key_id", "test-key-1")
                .put("private_key", pem)
                .put("client_email", "pipeline@" + PROJECT + ".iam.gserviceaccount.com")
                .put("client_id", "1234567890")
                .put("token_uri", simulator.baseUrl() + "/token");
        Path file = dir.resolve("service-account.json");
        Files.write(file, Json.toBytes(key));
        return file;
    }

    @Test
    void shouldBuildAVertexClientFromAServiceAccountFileWithoutCallingTheNetwork() throws Exception {
        GenAiSettings settings = GeminiClients.settings(vertexConfig(serviceAccountKey()));
        assertEquals(PROJECT, settings.vertex().project());
        ServiceAccountCredentials credentials = assertInstanceOf(ServiceAccountCredentials.class,
                settings.vertex().credentials());
        assertEquals("pipeline@" + PROJECT + ".iam.gserviceaccount.com", credentials.getClientEmail());
        assertEquals(GeminiClients.CLOUD_PLATFORM, List.copyOf(credentials.getScopes()));
        try (Client client = settings.sdkClient().build()) {
            assertTrue(client.vertexAI());
            assertEquals(PROJECT, client.project());
            assertEquals(LOCATION, client.location());
        }
        try (GeminiClient ignored = GeminiClients.create(vertexConfig(serviceAccountKey()))) {
            assertEquals(0, simulator.accessTokenRequests(), "no token is fetched before the first request");
            assertTrue(simulator.counters().snapshot().requestsByPath().isEmpty());
        }
    }

    @Test
    void shouldGenerateAndEmbedThroughVertexAiEndToEnd() throws Exception {
        try (GeminiClient client = GeminiClients.create(vertexConfig(serviceAccountKey()))) {
            GenerateResult answer = client.generate(new GenerateRequest("gemini-2.5-flash", "Hello Vertex", null))
                    .get(10, TimeUnit.SECONDS);
            assertEquals("Simulated answer to: Hello Vertex", answer.text());
            List<float[]> vectors = client.embed(new EmbedRequest("gemini-embedding-001", List.of("a", "b"), 8, null))
                    .get(10, TimeUnit.SECONDS).vectors();
            assertEquals(2, vectors.size());
            assertEquals(8, vectors.get(0).length);
            assertFalse(Arrays.equals(vectors.get(0), vectors.get(1)));
        }
        assertEquals(1, simulator.accessTokenRequests(), "one token, reused");
        String prefix = "/v1beta1/projects/" + PROJECT + "/locations/" + LOCATION + "/publishers/google/models/";
        assertEquals(Map.of(prefix + "gemini-2.5-flash:generateContent", 1L, prefix + "gemini-embedding-001:predict", 1L),
                simulator.counters().snapshot().requestsByPath());
    }

    @Test
    void shouldEmbedOnVertexAsOnTheGeminiApi() throws Exception {
        float[] vertex;
        try (GeminiClient client = GeminiClients.create(vertexConfig(serviceAccountKey()))) {
            vertex = client.embed(new EmbedRequest("gemini-embedding-001", List.of("same text"), 8, null))
                    .get(10, TimeUnit.SECONDS).vectors().get(0);
        }
        try (GeminiClient client = GeminiClients.create(config(Map.of("gemini.api.key", simulator.config().apiKey(),
                "gemini.base.url", simulator.baseUrl())))) {
            assertArrayEquals(vertex, client.embed(new EmbedRequest("gemini-embedding-001", List.of("same text"), 8, null))
                    .get(10, TimeUnit.SECONDS).vectors().get(0));
        }
    }

    @Test
    void shouldRefuseAVertexRequestWithoutAnAccessTokenFromTheTokenEndpoint() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/v1beta1/projects/p/"
                                + "locations/l/publishers/google/models/gemini-2.5-flash:generateContent"))
                        .header("Authorization", "Bearer made-up")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
        assertEquals("UNAUTHENTICATED", Json.MAPPER.readTree(response.body()).at("/error/status").asText());
    }

    @Test
    void shouldUseApplicationDefaultCredentialsWithoutAFile() {
        GenAiSettings settings = GeminiClients.settings(vertexConfig(null));
        assertNull(settings.vertex().credentials(), "left to the SDK to find");
        assertTrue(settings.toString().contains("(Application Default Credentials)"), settings.toString());
    }

    @Test
    void shouldFailAtStartWhenVertexHasNoProject() {
        AppConfig config = config(Map.of("gemini.backend", "vertex-ai"));
        ConfigException error = assertThrows(ConfigException.class, () -> GeminiClients.requireCredentials(config));
        assertEquals("gemini.backend=vertex-ai needs a Google Cloud project: set gemini.vertex.project "
                + "(GOOGLE_CLOUD_PROJECT)", error.getMessage());
    }

    @Test
    void shouldNameAnUnreadableKeyFileButNeverShowItsContent() throws Exception {
        Path notAKey = dir.resolve("not-a-key.json");
        Files.writeString(notAKey, "{\"type\":\"service_account\",\"private_key\":\"SECRET-MATERIAL\","
                + "\"client_email\":\"a@b\",\"client_id\":\"1\",\"private_key_id\":\"k\"}");
        ConfigException error = assertThrows(ConfigException.class,
                () -> GeminiClients.requireCredentials(vertexConfig(notAKey)));
        assertTrue(error.getMessage().startsWith("Cannot read gemini.vertex.credentials.file " + notAKey
                + " as a service-account key: "), error.getMessage());
        assertFalse(error.getMessage().contains("SECRET-MATERIAL"), error.getMessage());
        Path missing = dir.resolve("missing.json");
        assertTrue(assertThrows(ConfigException.class, () -> GeminiClients.requireCredentials(vertexConfig(missing)))
                .getMessage().startsWith("Cannot read gemini.vertex.credentials.file " + missing));
    }

    @Test
    void shouldMaskTheCredentialsInTheSettingsDescription() throws Exception {
        Path key = serviceAccountKey();
        String described = GeminiClients.settings(vertexConfig(key)).toString();
        assertTrue(described.contains("project=" + PROJECT) && described.contains("(service account)"), described);
        assertFalse(described.contains("PRIVATE KEY") || described.contains("test-key-1"), described);
    }

    @Test
    void shouldStillAskForAnApiKeyOnTheGeminiApi() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> GeminiClients.requireCredentials(config(Map.of())));
        assertTrue(error.getMessage().startsWith("No Gemini API key"), error.getMessage());
        assertNull(GeminiClients.settings(config(Map.of("gemini.api.key", "k"))).vertex());
    }

    @Test
    void shouldRefuseBatchModeOnVertexAiAndSayWhy() {
        ConfigException error = assertThrows(ConfigException.class,
                () -> GeminiClients.createBatch(vertexConfig(null)));
        assertTrue(error.getMessage().startsWith("Batch mode needs gemini.backend=gemini-api: the Gemini Batch API "
                + "with inline requests exists only on the Gemini Developer API"), error.getMessage());
    }

    @Test
    void shouldCreateABatchClientForTheGeminiApi() throws Exception {
        AppConfig config = config(Map.of("gemini.api.key", simulator.config().apiKey(),
                "gemini.base.url", simulator.baseUrl()));
        try (GenAiBatchClient client = GeminiClients.createBatch(config)) {
            assertTrue(client.findByDisplayName("nothing-yet").get(10, TimeUnit.SECONDS).isEmpty());
            assertEquals(1, simulator.counters().snapshot().batchLists());
        }
    }
}

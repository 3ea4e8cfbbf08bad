package io.github.geministreams.app;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.config.ConfigException;
import io.github.geministreams.config.GeminiBackend;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.genai.GenAiBatchClient;
import io.github.geministreams.gemini.genai.GenAiGeminiClient;
import io.github.geministreams.gemini.genai.GenAiSettings;
import io.github.geministreams.gemini.genai.VertexAi;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Builds the google-genai client from the configuration: the one place where
 * {@code gemini.backend} chooses the Gemini API (an API key) or Vertex AI (a project, a
 * location and Google Cloud credentials).
 */
public final class GeminiClients {
    /** Threads that turn HTTP answers into completions; the work per answer is small. */
    private static final int CALLBACK_THREADS = 2;
    /** The scope Vertex AI's generative endpoints accept. */
    static final List<String> CLOUD_PLATFORM = List.of("https://www.googleapis.com/auth/cloud-platform");

    private GeminiClients() {
    }

    /** A client sized for {@code max.in.flight} concurrent requests. */
    public static GeminiClient create(AppConfig config) {
        return new GenAiGeminiClient(settings(config));
    }

    /**
     * A Gemini Batch API client for the Gemini API backend. Vertex AI is refused: its batch
     * prediction reads requests from Cloud Storage or BigQuery and writes results there, while
     * batch mode sends inline requests and reads inline results, which only the Gemini Developer
     * API offers.
     */
    public static GenAiBatchClient createBatch(AppConfig config) {
        if (config.gemini().backend() == GeminiBackend.VERTEX_AI) {
            throw new ConfigException("Batch mode needs gemini.backend=gemini-api: the Gemini Batch API with inline "
                    + "requests exists only on the Gemini Developer API (Vertex AI batch prediction reads its "
                    + "requests from Cloud Storage or BigQuery). Use online mode with Vertex AI.");
        }
        return new GenAiBatchClient(settings(config));
    }

    /**
     * Fails with a {@link ConfigException} when the backend lacks what it needs (the API key;
     * Vertex AI's project or a readable service-account file), so that a command can say so
     * before it waits for anything.
     */
    public static void requireCredentials(AppConfig config) {
        if (config.gemini().backend() == GeminiBackend.VERTEX_AI) {
            vertex(config.gemini().vertex());
        } else if (!config.gemini().hasApiKey()) {
            throw new ConfigException("No Gemini API key: set GEMINI_API_KEY (or gemini.api.key in --config). "
                    + "To try gemini-streams without one, use `gemini-streams local`.");
        }
    }

    /** How the SDK connects; {@code gemini.base.url} applies to either backend. */
    static GenAiSettings settings(AppConfig config) {
        AppConfig.GeminiSettings gemini = config.gemini();
        VertexAi vertex = gemini.backend() == GeminiBackend.VERTEX_AI ? vertex(gemini.vertex()) : null;
        return new GenAiSettings(
                gemini.apiKey(),
                gemini.baseUrl().orElse(null),
                config.pipeline().maxInFlight(),
                gemini.requestTimeout(),
                CALLBACK_THREADS,
                vertex);
    }

    private static VertexAi vertex(AppConfig.VertexSettings vertex) {
        String project = vertex.project().filter(name -> !name.isBlank()).orElseThrow(() -> new ConfigException(
                "gemini.backend=vertex-ai needs a Google Cloud project: set gemini.vertex.project "
                        + "(GOOGLE_CLOUD_PROJECT)"));
        GoogleCredentials credentials = vertex.credentialsFile().map(GeminiClients::serviceAccount).orElse(null);
        return new VertexAi(project, vertex.location(), credentials);
    }

    /**
     * A service account's credentials from its JSON key file, scoped to cloud-platform. Only
     * a service-account key is accepted: other credential types (external accounts) can run
     * commands named in the file. The error names the file, never its content.
     */
    private static GoogleCredentials serviceAccount(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return ServiceAccountCredentials.fromStream(in).createScoped(CLOUD_PLATFORM);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("Cannot read gemini.vertex.credentials.file " + file
                    + " as a service-account key: " + e.getMessage());
        }
    }
}

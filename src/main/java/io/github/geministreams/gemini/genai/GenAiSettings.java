package io.github.geministreams.gemini.genai;

import com.google.genai.Client;
import java.time.Duration;

/**
 * How {@link GenAiGeminiClient} connects: to the Gemini API with an API key, or to Vertex AI.
 * {@link #toString()} masks the API key and the credentials.
 *
 * @param baseUrl the API's base URL, or null for the SDK's default (which honours GOOGLE_GEMINI_BASE_URL)
 * @param maxConcurrency the most requests at once; the HTTP connection limits are raised to it
 * @param callbackThreads threads that complete the returned futures
 * @param vertex the Vertex AI project, location and credentials; null for the Gemini API
 */
public record GenAiSettings(String apiKey, String baseUrl, int maxConcurrency, Duration requestTimeout,
                           int callbackThreads, VertexAi vertex) {

    /** The Gemini API with {@code apiKey}. */
    public GenAiSettings(String apiKey, String baseUrl, int maxConcurrency, Duration requestTimeout,
                         int callbackThreads) {
        this(apiKey, baseUrl, maxConcurrency, requestTimeout, callbackThreads, null);
    }

    /**
     * The SDK client's builder for this backend: Vertex AI in its project and location (with
     * the given credentials, else Application Default Credentials), or the Gemini API with
     * the key. Building it reads no network: credentials fetch a token on the first request.
     */
    public Client.Builder sdkClient() {
        if (vertex == null) {
            return Client.builder().apiKey(apiKey);
        }
        Client.Builder builder = Client.builder().vertexAI(true).project(vertex.project()).location(vertex.location());
        if (vertex.credentials() != null) {
            builder.credentials(vertex.credentials());
        }
        return builder;
    }

    @Override
    public String toString() {
        return "GenAiSettings{" + (vertex == null ? "apiKey=****" : vertex.toString())
                + ", baseUrl=" + (baseUrl == null ? "(SDK default)" : baseUrl)
                + ", maxConcurrency=" + maxConcurrency + ", requestTimeout=" + requestTimeout
                + ", callbackThreads=" + callbackThreads + "}";
    }
}

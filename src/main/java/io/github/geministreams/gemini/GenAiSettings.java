package io.github.geministreams.gemini;

import java.time.Duration;

/**
 * How {@link GenAiGeminiClient} connects. {@link #toString()} masks the API key.
 *
 * @param baseUrl the API's base URL, or null for the SDK's default (which honours GOOGLE_GEMINI_BASE_URL)
 * @param maxConcurrency the most requests at once; the HTTP connection limits are raised to it
 * @param callbackThreads threads that complete the returned futures
 */
public record GenAiSettings(String apiKey, String baseUrl, int maxConcurrency, Duration requestTimeout,
                           int callbackThreads) {
    @Override
    public String toString() {
        return "GenAiSettings{apiKey=****, baseUrl=" + (baseUrl == null ? "(SDK default)" : baseUrl)
                + ", maxConcurrency=" + maxConcurrency + ", requestTimeout=" + requestTimeout
                + ", callbackThreads=" + callbackThreads + "}";
    }
}

package io.github.geministreams.app;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GenAiGeminiClient;
import io.github.geministreams.gemini.GenAiSettings;

/** Builds the google-genai client from the configuration. */
public final class GeminiClients {
    /** Threads that turn HTTP answers into completions; the work per answer is small. */
    private static final int CALLBACK_THREADS = 2;

    private GeminiClients() {
    }

    /** A client sized for {@code max.in.flight} concurrent requests. */
    public static GeminiClient create(AppConfig config) {
        AppConfig.GeminiSettings gemini = config.gemini();
        return new GenAiGeminiClient(new GenAiSettings(
                gemini.apiKey(),
                gemini.baseUrl().orElse(null),
                config.pipeline().maxInFlight(),
                gemini.requestTimeout(),
                CALLBACK_THREADS));
    }
}

package io.github.geministreams.config;

import java.util.Locale;

/** Which Gemini service the SDK talks to. */
public enum GeminiBackend {
    /** The Gemini Developer API, with an API key. */
    GEMINI_API,
    /** Vertex AI, in a Google Cloud project and location, with Google Cloud credentials. */
    VERTEX_AI;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

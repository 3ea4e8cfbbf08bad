package io.github.geministreams.gemini.genai;

import com.google.auth.oauth2.GoogleCredentials;

/**
 * Where a Vertex AI client sends its requests, and with which credentials.
 * {@link #toString()} says where the credentials come from, never what they are.
 *
 * @param credentials a service account's credentials, scoped to cloud-platform; null for
 *                    Application Default Credentials, which the SDK finds itself
 */
public record VertexAi(String project, String location, GoogleCredentials credentials) {
    @Override
    public String toString() {
        return "VertexAi{project=" + project + ", location=" + location + ", credentials="
                + (credentials == null ? "(Application Default Credentials)" : "(service account)") + "}";
    }
}

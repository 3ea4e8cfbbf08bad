package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Google's OAuth 2.0 token endpoint as a service account uses it, so that Vertex AI can be
 * tested without network: a service-account key file whose {@code token_uri} is
 * {@code <simulator>/token} gets its access tokens here, and Vertex AI requests must bear
 * one of them. The JWT assertion's signature is not checked (the simulator does not know the
 * account's public key); its form is. Thread-safe.
 */
final class AccessTokens {
    static final String PATH = "/token";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final long LIFETIME_SECONDS = 3600;

    private final Set<String> issued = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();

    /** An answer to a token request. */
    record Answer(int status, byte[] body) {
    }

    /** Answers a {@code POST /token} with an access token, or an OAuth error. */
    Answer answer(String method, String formBody) {
        requests.incrementAndGet();
        Map<String, String> form = form(formBody);
        if (!"POST".equals(method) || !JWT_BEARER.equals(form.get("grant_type"))) {
            return error("unsupported_grant_type", "Expected a POST with grant_type=" + JWT_BEARER);
        }
        String assertion = form.getOrDefault("assertion", "");
        if (assertion.split("\\.", -1).length != 3) {
            return error("invalid_grant", "Invalid JWT: the assertion is not header.claims.signature");
        }
        String token = "ya29.simulated-" + UUID.randomUUID();
        issued.add(token);
        ObjectNode body = Json.MAPPER.createObjectNode()
                .put("access_token", token)
                .put("expires_in", LIFETIME_SECONDS)
                .put("token_type", "Bearer");
        return new Answer(200, Json.toBytes(body));
    }

    /** Refuses a Vertex AI request whose {@code Authorization} is not a token issued here, as Vertex AI does (401). */
    void check(String authorization) {
        String prefix = "Bearer ";
        if (authorization == null || !authorization.startsWith(prefix)
                || !issued.contains(authorization.substring(prefix.length()))) {
            throw new GeminiRequestException(ApiError.unauthenticated());
        }
    }

    /** Token requests so far, granted or not. */
    long requests() {
        return requests.get();
    }

    private static Answer error(String error, String description) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("error", error).put("error_description", description);
        return new Answer(400, Json.toBytes(body));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}

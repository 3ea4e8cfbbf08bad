package io.github.geministreams.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geministreams.serde.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parts the SDK would never send malformed, sent over raw HTTP: the simulator refuses them
 * with a 400 INVALID_ARGUMENT naming the field, as the API does.
 */
class SimulatorPartsTest {
    private final GeminiSimulator simulator = GeminiSimulator.start(SimulatorConfig.builder().build());

    @AfterEach
    void close() {
        simulator.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "bad base64 | '{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"AQ*D\"}}' | Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding failed for \"AQ*D\"",
        "no mimeType | '{\"inlineData\":{\"data\":\"AQID\"}}' | * GenerateContentRequest.contents[0].parts[1].inline_data.mime_type: mime_type is not specified",
        "bad mimeType | '{\"inlineData\":{\"mimeType\":\"png\",\"data\":\"AQID\"}}' | * GenerateContentRequest.contents[0].parts[1].inline_data.mime_type: Unsupported MIME type: png",
        "no data | '{\"inlineData\":{\"mimeType\":\"image/png\"}}' | * GenerateContentRequest.contents[0].parts[1].inline_data.data: data is not specified",
        "no fileUri | '{\"fileData\":{\"mimeType\":\"application/pdf\"}}' | * GenerateContentRequest.contents[0].parts[1].file_data.file_uri: file_uri is not specified",
    })
    void shouldRejectAMalformedPartWith400(String name, String part, String message) throws Exception {
        HttpResponse<String> response = post("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"look\"}," + part + "]}]}");
        assertEquals(400, response.statusCode(), name);
        JsonNode error = Json.MAPPER.readTree(response.body()).get("error");
        assertEquals("INVALID_ARGUMENT", error.get("status").asText());
        assertEquals(message, error.get("message").asText());
    }

    @Test
    void shouldAcceptUrlSafeBase64AsProtobufJsonDoes() throws Exception {
        HttpResponse<String> response = post(
                "{\"contents\":[{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"_-8\"}}]}]}");
        assertEquals(200, response.statusCode(), response.body());
        String text = Json.MAPPER.readTree(response.body()).at("/candidates/0/content/parts/0/text").asText();
        assertEquals("Simulated answer to: [image/png, 2 bytes, sha256 "
                + GenerateContents.sha256Prefix(new byte[] {(byte) 0xFF, (byte) 0xEF}) + "]", text);
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(simulator.baseUrl()
                        + "/v1beta/models/gemini-2.5-flash:generateContent"))
                .header("x-goog-api-key", simulator.config().apiKey())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}

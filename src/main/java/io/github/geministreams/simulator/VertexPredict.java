package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;

/**
 * Vertex AI's embeddings method, {@code :predict} with {@code instances}, as the SDK calls
 * it for {@code embedContent} on Vertex: translated to a batchEmbedContents request (same
 * checks, quotas and vectors as the Gemini API's) and its answer back to {@code predictions}.
 */
final class VertexPredict {
    private VertexPredict() {
    }

    static ModelCall call(ModelEndpoints endpoints, String model, JsonNode body, SimulatorConfig config) {
        JsonNode instances = body.path("instances");
        int dimensions = body.path("parameters").path("outputDimensionality").asInt(0);
        ObjectNode batch = Json.MAPPER.createObjectNode();
        ArrayNode requests = batch.putArray("requests");
        instances.forEach(instance -> {
            ObjectNode request = requests.addObject();
            request.putObject("content").putArray("parts").addObject().put("text", instance.path("content").asText(""));
            if (dimensions > 0) {
                request.put("outputDimensionality", dimensions);
            }
        });
        ModelCall embed = endpoints.parse("batchEmbedContents", model, batch, config);
        return new ModelCall(embed.requestUnits(), embed.tokens(), () -> {
            ObjectNode answer = Json.MAPPER.createObjectNode();
            ArrayNode predictions = answer.putArray("predictions");
            JsonNode embeddings = embed.answer().get().path("embeddings");
            for (int i = 0; i < embeddings.size(); i++) {
                ObjectNode prediction = predictions.addObject().putObject("embeddings");
                prediction.set("values", embeddings.get(i).get("values"));
                prediction.putObject("statistics").put("truncated", false)
                        .put("token_count", ModelEndpoints.tokens(instances.get(i).path("content").asText("")));
            }
            return answer;
        });
    }
}

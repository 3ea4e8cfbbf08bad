package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The two model methods the pipeline uses, {@code generateContent} and
 * {@code batchEmbedContents}: request validation as the API does it, and answers in the
 * API's JSON; the same answers for the requests of a Batch API job ({@link BatchEndpoints}).
 * Deterministic: the same input always gets the same answer. Thread-safe.
 */
final class ModelEndpoints {
    /** The API's limit on texts in one batchEmbedContents request. */
    static final int MAX_BATCH = 100;
    private static final int ANSWER_PREFIX_CHARS = 60;

    private final SimulatorCounters counters;

    ModelEndpoints(SimulatorCounters counters) {
        this.counters = counters;
    }

    ModelCall parse(String method, String model, JsonNode body, SimulatorConfig config) {
        return switch (method) {
            case "generateContent" -> generate(model, body, config);
            case "batchEmbedContents" -> batchEmbed(model, body, config);
            default -> throw new GeminiRequestException(ApiError.notFound(
                    "Method " + method + " is not supported by the Gemini simulator"));
        };
    }

    private ModelCall generate(String model, JsonNode body, SimulatorConfig config) {
        counters.generateRequest();
        Generation generation = Generation.read(model, body, config);
        return new ModelCall(1, generation.promptTokens(), () -> {
            counters.generated(generation.prompt(), generation.blocked(config));
            return generation.answer(config);
        });
    }

    /**
     * The answer to one generate request of a batch job: the same as online, checked the same
     * way (a bad request throws its 400), but not counted as an online request.
     */
    static ObjectNode batchGenerateAnswer(String model, JsonNode request, SimulatorConfig config) {
        return Generation.read(model, request, config).answer(config);
    }

    /**
     * The answer to one embed request of a batch job ({@code {"embedding":{"values":[...]}}}):
     * the online vector of its text, checked as online (a bad text throws its 400).
     */
    static ObjectNode batchEmbedAnswer(JsonNode request, SimulatorConfig config) {
        String text = String.join("\n", texts(request.path("content")));
        if (text.isBlank()) {
            throw new GeminiRequestException(ApiError.invalidArgument(
                    "* EmbedContentRequest.content.parts: contents must not be empty"));
        }
        if (text.contains(config.invalidTriggerWord())) {
            throw new GeminiRequestException(ApiError.invalidArgument(
                    "* EmbedContentRequest.content.parts[0].text: unsupported content"));
        }
        int requested = request.path("outputDimensionality").asInt(0);
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ArrayNode values = answer.putObject("embedding").putArray("values");
        for (float value : DeterministicEmbedding.of(text, requested > 0 ? requested : config.embeddingDimensions())) {
            values.add(value);
        }
        answer.put("tokenCount", tokens(text));
        return answer;
    }

    /** A generate request, read and checked as the API does. */
    private record Generation(String model, String prompt, String summary, long promptTokens,
                              JsonNode generationConfig) {
        static Generation read(String model, JsonNode body, SimulatorConfig config) {
            GenerateContents contents = GenerateContents.read(body.path("contents"));
            String prompt = contents.text();
            if (contents.isEmpty()) {
                throw new GeminiRequestException(ApiError.invalidArgument(
                        "* GenerateContentRequest.contents: contents is not specified"));
            }
            if (prompt.contains(config.invalidTriggerWord())) {
                throw new GeminiRequestException(ApiError.invalidArgument(
                        "* GenerateContentRequest.contents[0].parts[0].text: unsupported content"));
            }
            JsonNode generationConfig = GenerationConfigRules.check(body);
            String system = String.join("\n", texts(body.path("systemInstruction")));
            long promptTokens = contents.tokens() + (system.isEmpty() ? 0 : tokens(system));
            return new Generation(model, prompt, contents.summary(ANSWER_PREFIX_CHARS), promptTokens, generationConfig);
        }

        boolean blocked(SimulatorConfig config) {
            return prompt.contains(config.safetyTriggerWord());
        }

        ObjectNode answer(SimulatorConfig config) {
            return blocked(config) ? blockedAnswer(model, promptTokens)
                    : ModelEndpoints.answer(model, prompt, summary, promptTokens, generationConfig);
        }
    }

    private ModelCall batchEmbed(String model, JsonNode body, SimulatorConfig config) {
        counters.batchEmbedRequest();
        JsonNode requests = body.path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            throw new GeminiRequestException(ApiError.invalidArgument(
                    "* BatchEmbedContentsRequest.requests: requests is not specified"));
        }
        if (requests.size() > config.maxEmbedBatch()) {
            throw new GeminiRequestException(ApiError.invalidArgument(
                    "* BatchEmbedContentsRequest.requests: at most " + config.maxEmbedBatch()
                            + " requests can be in one batch"));
        }
        List<String> texts = new ArrayList<>();
        List<Integer> dimensions = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < requests.size(); i++) {
            JsonNode request = requests.get(i);
            String text = String.join("\n", texts(request.path("content")));
            if (text.isBlank()) {
                throw new GeminiRequestException(ApiError.invalidArgument(
                        "* BatchEmbedContentsRequest.requests[" + i + "].content.parts: contents must not be empty"));
            }
            if (text.contains(config.invalidTriggerWord())) {
                throw new GeminiRequestException(ApiError.invalidArgument(
                        "* BatchEmbedContentsRequest.requests[" + i + "].content.parts[0].text: unsupported content"));
            }
            texts.add(text);
            int requested = request.path("outputDimensionality").asInt(0);
            dimensions.add(requested > 0 ? requested : config.embeddingDimensions());
            tokens += tokens(text);
        }
        long units = config.batchItemsCountAsRequests() ? texts.size() : 1;
        return new ModelCall(units, tokens, () -> {
            ObjectNode answer = Json.MAPPER.createObjectNode();
            ArrayNode embeddings = answer.putArray("embeddings");
            for (int i = 0; i < texts.size(); i++) {
                counters.embedded(texts.get(i));
                ArrayNode values = embeddings.addObject().putArray("values");
                for (float value : DeterministicEmbedding.of(texts.get(i), dimensions.get(i))) {
                    values.add(value);
                }
            }
            return answer;
        });
    }

    /**
     * @param prompt  the request's text, where structured answers look for their trigger words
     * @param summary what a plain answer repeats of the request (its text, and each other part named)
     */
    private static ObjectNode answer(String model, String prompt, String summary, long promptTokens,
                                     JsonNode generationConfig) {
        String text = StructuredAnswers.text(generationConfig, prompt, "Simulated answer to: " + summary);
        long outputTokens = tokens(text);
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ObjectNode candidate = answer.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.putArray("parts").addObject().put("text", text);
        content.put("role", "model");
        candidate.put("finishReason", "STOP").put("index", 0);
        usage(answer, promptTokens, outputTokens);
        answer.put("modelVersion", model).put("responseId", UUID.randomUUID().toString());
        return answer;
    }

    private static ObjectNode blockedAnswer(String model, long promptTokens) {
        ObjectNode answer = Json.MAPPER.createObjectNode();
        ObjectNode feedback = answer.putObject("promptFeedback");
        feedback.put("blockReason", "SAFETY");
        feedback.putArray("safetyRatings").addObject()
                .put("category", "HARM_CATEGORY_DANGEROUS_CONTENT")
                .put("probability", "HIGH")
                .put("blocked", true);
        usage(answer, promptTokens, 0);
        answer.put("modelVersion", model).put("responseId", UUID.randomUUID().toString());
        return answer;
    }

    private static void usage(ObjectNode answer, long promptTokens, long outputTokens) {
        ObjectNode usage = answer.putObject("usageMetadata")
                .put("promptTokenCount", promptTokens)
                .put("totalTokenCount", promptTokens + outputTokens);
        if (outputTokens > 0) {
            usage.put("candidatesTokenCount", outputTokens);
        }
    }

    /** The text parts of a Content object, or of each Content in an array. */
    static List<String> texts(JsonNode contents) {
        List<String> texts = new ArrayList<>();
        if (contents.isArray()) {
            contents.forEach(content -> texts.addAll(texts(content)));
        } else if (contents.isObject()) {
            contents.path("parts").forEach(part -> {
                if (part.path("text").isTextual()) {
                    texts.add(part.get("text").asText());
                }
            });
        }
        return texts;
    }

    /** About four characters a token, as the API roughly counts English. */
    static long tokens(String text) {
        return Math.max(1, text.length() / 4);
    }
}

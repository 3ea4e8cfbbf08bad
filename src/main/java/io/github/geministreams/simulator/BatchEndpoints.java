package io.github.geministreams.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geministreams.serde.Json;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Gemini Batch API's endpoints as the google-genai SDK calls them for the Gemini Developer
 * API: {@code POST models/{model}:batchGenerateContent} and {@code :asyncBatchEmbedContent}
 * (create), {@code GET batches/{id}}, {@code GET batches?pageSize=&pageToken=} (list),
 * {@code POST batches/{id}:cancel} and {@code DELETE batches/{id}}. They answer at once: no
 * latency, and neither the online quotas nor the injected faults apply (the real API limits
 * batch jobs separately). Thread-safe.
 */
final class BatchEndpoints {
    private static final Pattern CREATE = Pattern.compile(
            "^/v1beta/models/(?<model>[^/:]+):(?<method>batchGenerateContent|asyncBatchEmbedContent)$");
    private static final Pattern JOB = Pattern.compile("^/v1beta/(?<name>batches/[^/:]+)(?<cancel>:cancel)?$");
    private static final String LIST = "/v1beta/batches";

    private final SimulatedBatchJobs jobs = new SimulatedBatchJobs();
    private final SimulatorCounters counters;

    BatchEndpoints(SimulatorCounters counters) {
        this.counters = counters;
    }

    /** True for the paths this class answers. */
    static boolean handles(String path) {
        return path.equals(LIST) || CREATE.matcher(path).matches() || JOB.matcher(path).matches();
    }

    /**
     * @param body the request's JSON; read only for POST
     * @param query the raw query string, or null
     */
    ObjectNode answer(String method, String path, String query, JsonNode body, SimulatorConfig config) {
        Matcher create = CREATE.matcher(path);
        Matcher job = JOB.matcher(path);
        if ("POST".equals(method) && create.matches()) {
            return create(create.group("model"), create.group("method").equals("batchGenerateContent")
                    ? SimulatedBatchJobs.Kind.GENERATE : SimulatedBatchJobs.Kind.EMBED, body, config);
        }
        if ("GET".equals(method) && path.equals(LIST)) {
            counters.batchList();
            return jobs.list(intParameter(query, "pageSize"), parameter(query, "pageToken"));
        }
        if (job.matches() && job.group("cancel") != null && "POST".equals(method)) {
            counters.batchCancel();
            jobs.cancel(job.group("name"));
            return Json.MAPPER.createObjectNode();
        }
        if (job.matches() && job.group("cancel") == null && "GET".equals(method)) {
            counters.batchGet();
            return jobs.get(job.group("name"));
        }
        if (job.matches() && job.group("cancel") == null && "DELETE".equals(method)) {
            jobs.delete(job.group("name"));
            return Json.MAPPER.createObjectNode();
        }
        throw new GeminiRequestException(ApiError.notFound("Unknown path " + method + " " + path));
    }

    private ObjectNode create(String model, SimulatedBatchJobs.Kind kind, JsonNode body, SimulatorConfig config) {
        JsonNode batch = body == null ? Json.MAPPER.missingNode() : body.path("batch");
        JsonNode requests = batch.path("inputConfig").path("requests").path("requests");
        if (!requests.isArray() || requests.isEmpty()) {
            throw new GeminiRequestException(ApiError.invalidArgument(
                    "* Batch.input_config.requests: requests is not specified"));
        }
        String displayName = batch.path("displayName").asText("");
        List<ObjectNode> results = new ArrayList<>(requests.size());
        List<String> texts = new ArrayList<>(requests.size());
        List<String> keys = new ArrayList<>(requests.size());
        for (JsonNode item : requests) {
            JsonNode request = item.path("request");
            String text = text(kind, request);
            texts.add(text);
            JsonNode metadata = item.path("metadata");
            keys.add(metadata.path("key").isTextual() ? metadata.get("key").asText() : text);
            ObjectNode result = result(kind, model, request, text, config);
            if (metadata.isObject()) {
                result.set("metadata", metadata.deepCopy());
            }
            results.add(result);
        }
        ObjectNode created = jobs.create(kind, model, displayName, results, texts, config);
        counters.batchJobCreated(created.get("name").asText(), keys);
        return created;
    }

    /** One request's inlined response: the online answer, or the error the online API would have sent. */
    private static ObjectNode result(SimulatedBatchJobs.Kind kind, String model, JsonNode request, String text,
                                     SimulatorConfig config) {
        if (text.contains(SimulatedBatchJobs.ITEM_FAILURE_TRIGGER)) {
            return SimulatedBatchJobs.triggeredFailure();
        }
        try {
            ObjectNode answer = kind == SimulatedBatchJobs.Kind.GENERATE
                    ? ModelEndpoints.batchGenerateAnswer(model, request, config)
                    : ModelEndpoints.batchEmbedAnswer(request, config);
            ObjectNode result = Json.MAPPER.createObjectNode();
            result.set("response", answer);
            return result;
        } catch (GeminiRequestException rejected) {
            return SimulatedBatchJobs.failed(rejected);
        }
    }

    /**
     * The request's text parts, one per line: where triggers are looked for. Empty for malformed
     * contents, whose result is the error {@link #result} finds in them.
     */
    private static String text(SimulatedBatchJobs.Kind kind, JsonNode request) {
        if (kind == SimulatedBatchJobs.Kind.EMBED) {
            return String.join("\n", ModelEndpoints.texts(request.path("content")));
        }
        try {
            return GenerateContents.read(request.path("contents")).text();
        } catch (GeminiRequestException malformed) {
            return "";
        }
    }

    private static String parameter(String query, String name) {
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return URLDecoder.decode(pair.substring(name.length() + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static int intParameter(String query, String name) {
        String value = parameter(query, name);
        try {
            return value == null ? 0 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new GeminiRequestException(ApiError.invalidArgument("Invalid value for " + name + ": " + value));
        }
    }
}

package io.github.geministreams.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A validated prompt. Only {@code prompt} and {@code tasks} are always present.
 *
 * @param id         the JSON {@code id}, else the record key, else {@code topic-partition-offset}
 * @param model      a model to use instead of the configured one, or null
 * @param system     a system instruction for generation, or null
 * @param job        the job this prompt belongs to, or null
 * @param jobSize    the number of prompts in the job, or null
 * @param attributes caller data echoed on every output, or null
 * @param parts      the multimodal parts of the prompt (text, inline data, file URIs), or null
 *                   when the prompt is {@code prompt} alone
 * @param generation how the answer is generated (the prompt's settings over the configured defaults)
 * @param template   the name of the template {@code prompt} was rendered from, or null
 * @param truncated  true when {@code prompt} was cut to fit its model's input token limit
 *                   ({@code gemini.context.overflow=truncate}); its outputs say so
 * @param mode       online (at once) or batch (in a Gemini Batch API job); the prompt's {@code mode}, else
 *                   {@code gemini.mode.default}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PromptRequest(
        String id, String prompt, Set<Task> tasks, String model, String system,
        String job, Long jobSize, JsonNode attributes,
        List<PromptPart> parts, GenerationSettings generation, String template, boolean truncated, Mode mode) {

    public PromptRequest {
        mode = mode == null ? Mode.ONLINE : mode;
        tasks = Collections.unmodifiableSet(EnumSet.copyOf(tasks));
        parts = parts == null ? null : List.copyOf(parts);
        generation = generation == null ? GenerationSettings.NONE : generation;
    }

    /** An online prompt. */
    public PromptRequest(String id, String prompt, Set<Task> tasks, String model, String system,
                         String job, Long jobSize, JsonNode attributes,
                         List<PromptPart> parts, GenerationSettings generation, String template, boolean truncated) {
        this(id, prompt, tasks, model, system, job, jobSize, attributes, parts, generation, template, truncated,
                Mode.ONLINE);
    }

    /** An online prompt that has not been truncated. */
    public PromptRequest(String id, String prompt, Set<Task> tasks, String model, String system,
                         String job, Long jobSize, JsonNode attributes,
                         List<PromptPart> parts, GenerationSettings generation, String template) {
        this(id, prompt, tasks, model, system, job, jobSize, attributes, parts, generation, template, false);
    }

    /** A text prompt with the default generation settings. */
    public PromptRequest(String id, String prompt, Set<Task> tasks, String model, String system,
                         String job, Long jobSize, JsonNode attributes) {
        this(id, prompt, tasks, model, system, job, jobSize, attributes, null, GenerationSettings.NONE, null);
    }

    /** This request with {@code prompt} cut to fit its model, marked truncated. */
    public PromptRequest withTruncatedPrompt(String cut) {
        return new PromptRequest(id, cut, tasks, model, system, job, jobSize, attributes, parts, generation, template,
                true, mode);
    }

    /** This request in {@code other} mode. */
    public PromptRequest withMode(Mode other) {
        return new PromptRequest(id, prompt, tasks, model, system, job, jobSize, attributes, parts, generation, template,
                truncated, other);
    }
}

package io.github.geministreams.topology.online;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.PromptRequest;
import io.github.geministreams.model.Task;

/** Items share a bundle (one request) or a Batch API job only when they share the task and the model. */
public record TaskModel(Task task, String model) {

    /** The key of {@code task} of {@code request}: its model is the prompt's, else the configured one. */
    public static TaskModel of(Task task, PromptRequest request, AppConfig.GeminiSettings gemini) {
        return new TaskModel(task, modelOf(task, request, gemini));
    }

    /** The model {@code task} of {@code request} is sent to: the prompt's, else the configured one. */
    public static String modelOf(Task task, PromptRequest request, AppConfig.GeminiSettings gemini) {
        if (request.model() != null) {
            return request.model();
        }
        return task == Task.EMBED ? gemini.embedModel() : gemini.generateModel();
    }
}

package io.github.geministreams.topology.online;

import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.model.Task;
import io.github.geministreams.pacing.Attempted;
import io.github.geministreams.topology.store.HandoverEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A finished Gemini request, handed from a callback thread to the stream thread.
 * Exactly one of {@code answer} and {@code failure} is set.
 */
public record Completion(Bundle bundle, Attempted<?> answer, Throwable failure, long latencyMs) {

    /**
     * The answer of each item, in bundle order: the generated result of a generate call, or
     * the vector of its text from an embed bundle (the client returns exactly one per text
     * sent, or fails the call; items with the same text share it). Only for a completion
     * without failure.
     */
    public List<HandoverEntry> itemAnswers() {
        String model = bundle.key().model();
        if (bundle.key().task() == Task.GENERATE) {
            @SuppressWarnings("unchecked")
            Attempted<GenerateResult> generated = (Attempted<GenerateResult>) answer;
            // The model that answered: a fallback model when the bundle's own model could not.
            return List.of(HandoverEntry.generated(generated.model(), generated.value(), generated.attempts(),
                    generated.attemptsByModel(), latencyMs));
        }
        @SuppressWarnings("unchecked")
        Attempted<EmbedResult> embedded = (Attempted<EmbedResult>) answer;
        // One vector per distinct text, in the order sent (Batch#distinctTexts).
        List<float[]> vectors = embedded.value().vectors();
        List<String> texts = bundle.distinctTexts();
        Map<String, float[]> byText = new HashMap<>();
        for (int i = 0; i < texts.size(); i++) {
            byText.put(texts.get(i), vectors.get(i));
        }
        List<HandoverEntry> answers = new ArrayList<>(bundle.items().size());
        for (BundleItem item : bundle.items()) {
            answers.add(HandoverEntry.embedded(model, byText.get(item.text()), embedded.attempts(), latencyMs));
        }
        return answers;
    }
}

package io.github.geministreams.gemini.genai;

import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.GenerateContentResponsePromptFeedback;
import com.google.genai.types.GenerateContentResponseUsageMetadata;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import java.util.List;
import java.util.Optional;

/**
 * Reads the google-genai SDK's answers into ours: a generate answer into a {@link GenerateResult},
 * an embedding into a vector. Shared by the online and the batch client, so an answer reads the
 * same whichever way it came. Stateless.
 */
final class GenAiResponses {
    private GenAiResponses() {
    }

    static GenerateResult toResult(GenerateContentResponse response) {
        Optional<GenerateContentResponsePromptFeedback> feedback = response.promptFeedback();
        String blockReason = feedback.flatMap(GenerateContentResponsePromptFeedback::blockReason)
                .map(Object::toString).orElse(null);
        String blockMessage = feedback.flatMap(GenerateContentResponsePromptFeedback::blockReasonMessage).orElse(null);
        String finishReason = response.candidates().filter(list -> !list.isEmpty())
                .flatMap(list -> list.get(0).finishReason()).map(Object::toString).orElse(null);
        String text = response.candidates().filter(list -> !list.isEmpty()).isPresent() ? response.text() : null;
        TokenUsage usage = response.usageMetadata().map(GenAiResponses::toUsage).orElse(TokenUsage.NONE);
        return new GenerateResult(text, finishReason, blockReason, blockMessage, usage,
                response.modelVersion().orElse(null));
    }

    static TokenUsage toUsage(GenerateContentResponseUsageMetadata metadata) {
        return new TokenUsage(metadata.promptTokenCount().orElse(0), metadata.candidatesTokenCount().orElse(0),
                metadata.thoughtsTokenCount().orElse(0), metadata.totalTokenCount().orElse(0));
    }

    static float[] toVector(ContentEmbedding embedding) {
        List<Float> values = embedding.values().orElse(List.of());
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }
}

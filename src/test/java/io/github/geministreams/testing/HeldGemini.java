package io.github.geministreams.testing;

import io.github.geministreams.gemini.EmbedRequest;
import io.github.geministreams.gemini.EmbedResult;
import io.github.geministreams.gemini.GeminiClient;
import io.github.geministreams.gemini.GenerateRequest;
import io.github.geministreams.gemini.GenerateResult;
import io.github.geministreams.gemini.TokenUsage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Gemini fake that answers generate calls only when told to, on the test's thread. */
public final class HeldGemini implements GeminiClient {
    public final List<CompletableFuture<GenerateResult>> calls = new CopyOnWriteArrayList<>();
    private final List<GenerateRequest> requests = new CopyOnWriteArrayList<>();

    @Override
    public CompletableFuture<GenerateResult> generate(GenerateRequest request) {
        CompletableFuture<GenerateResult> call = new CompletableFuture<>();
        requests.add(request);
        calls.add(call);
        return call;
    }

    @Override
    public CompletableFuture<EmbedResult> embed(EmbedRequest request) {
        throw new UnsupportedOperationException("generate only");
    }

    /** The prompt of every call so far, in call order. */
    public List<String> prompts() {
        return requests.stream().map(GenerateRequest::prompt).toList();
    }

    /** Answers every call so far with "answer to " and its prompt. */
    public void answerAll() {
        for (int i = 0; i < calls.size(); i++) {
            GenerateRequest request = requests.get(i);
            calls.get(i).complete(new GenerateResult("answer to " + request.prompt(), "STOP", null, null,
                    new TokenUsage(1, 1, 0, 2), request.model()));
        }
    }

    @Override
    public void close() {
    }
}

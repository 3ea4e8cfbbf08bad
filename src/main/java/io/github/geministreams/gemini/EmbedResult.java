package io.github.geministreams.gemini;

import java.util.List;

/** One vector per text of the request, in the request's order. */
public record EmbedResult(List<float[]> vectors) {
    public EmbedResult {
        vectors = List.copyOf(vectors);
    }
}

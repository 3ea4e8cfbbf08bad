package io.github.geministreams.gemini;

/**
 * The outcome of one request inside a finished batch job: exactly one of {@code generated},
 * {@code vector} and {@code error} is set.
 *
 * @param key   the key the request was created with ({@link BatchGenerateItem#key()}), or null when
 *              the API did not echo it (embed jobs: results come in request order)
 * @param error why this request failed while the job succeeded (the API's status message and code)
 */
public record BatchItemResult(String key, GenerateResult generated, float[] vector, GeminiException error) {
}

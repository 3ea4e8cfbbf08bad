package io.github.geministreams.gemini;

/**
 * One generate request of a batch job.
 *
 * @param key sent as the request's metadata and echoed on its result, so that a result finds its
 *            prompt whatever the order of the results
 */
public record BatchGenerateItem(String key, GenerateRequest request) {
}

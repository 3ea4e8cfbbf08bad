package io.github.geministreams.model;

/** Token usage of one generate call, as Gemini reports it. */
public record TokenCounts(int prompt, int output, int thoughts, int total) {
}

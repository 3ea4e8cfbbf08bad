package io.github.geministreams.gemini;

/** A call's result with the number of attempts it took (1 when the first succeeded). */
public record Attempted<T>(T value, int attempts) {
}

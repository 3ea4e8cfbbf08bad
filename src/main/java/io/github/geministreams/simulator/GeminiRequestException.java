package io.github.geministreams.simulator;

/** Ends a request with an API error answer; thrown inside request handling only. */
final class GeminiRequestException extends RuntimeException {
    private final transient ApiError error;
    private final SimulatorCounters.Rejection kind;

    GeminiRequestException(ApiError error, SimulatorCounters.Rejection kind) {
        super(error.message(), null, false, false);
        this.error = error;
        this.kind = kind;
    }

    GeminiRequestException(ApiError error) {
        this(error, SimulatorCounters.Rejection.OTHER);
    }

    ApiError error() {
        return error;
    }

    SimulatorCounters.Rejection kind() {
        return kind;
    }
}

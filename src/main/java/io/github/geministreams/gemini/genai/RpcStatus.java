package io.github.geministreams.gemini.genai;

import io.github.geministreams.gemini.GeminiException;
import java.util.Map;

/**
 * A {@code google.rpc.Status} code (what the Batch API puts in a failed request's {@code error})
 * as the HTTP status and status name the online API would have answered, so that a request that
 * failed inside a batch job is classified like one that failed online. Stateless.
 */
final class RpcStatus {
    private record Http(int status, String name) {
    }

    /** The canonical mapping of google.rpc.Code to HTTP (google/rpc/code.proto). */
    private static final Map<Integer, Http> CODES = Map.ofEntries(
            Map.entry(1, new Http(499, "CANCELLED")),
            Map.entry(2, new Http(500, "UNKNOWN")),
            Map.entry(3, new Http(400, "INVALID_ARGUMENT")),
            Map.entry(4, new Http(504, "DEADLINE_EXCEEDED")),
            Map.entry(5, new Http(404, "NOT_FOUND")),
            Map.entry(6, new Http(409, "ALREADY_EXISTS")),
            Map.entry(7, new Http(403, "PERMISSION_DENIED")),
            Map.entry(8, new Http(429, "RESOURCE_EXHAUSTED")),
            Map.entry(9, new Http(400, "FAILED_PRECONDITION")),
            Map.entry(10, new Http(409, "ABORTED")),
            Map.entry(11, new Http(400, "OUT_OF_RANGE")),
            Map.entry(12, new Http(501, "UNIMPLEMENTED")),
            Map.entry(13, new Http(500, "INTERNAL")),
            Map.entry(14, new Http(503, "UNAVAILABLE")),
            Map.entry(15, new Http(500, "DATA_LOSS")),
            Map.entry(16, new Http(401, "UNAUTHENTICATED")));

    private RpcStatus() {
    }

    /** The failure for an error with this code and message; an unknown code counts as 500 UNKNOWN. */
    static GeminiException toException(Integer code, String message) {
        Http http = code == null ? null : CODES.get(code);
        if (http == null) {
            http = new Http(500, code == null ? "UNKNOWN" : "UNKNOWN(" + code + ")");
        }
        return GeminiException.of(http.status(), http.name(), message == null ? "(no message)" : message);
    }
}

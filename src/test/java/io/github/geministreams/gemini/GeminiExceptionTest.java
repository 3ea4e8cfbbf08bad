package io.github.geministreams.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.genai.errors.ClientException;
import com.google.genai.errors.GenAiIOException;
import com.google.genai.errors.ServerException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GeminiExceptionTest {
    /** The shape of a real 429 message as the SDK keeps it: the error body's details inline. */
    private static final String QUOTA_MESSAGE = "You exceeded your current quota. {\"error\":{\"details\":["
            + "{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":"
            + "\"GenerateRequestsPerMinutePerProjectPerModel\"}]},"
            + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\": \"1.5s\"}]}}";

    @ParameterizedTest(name = "{0} {1} retryable={2}")
    @CsvSource({
        "400, INVALID_ARGUMENT, false",
        "403, PERMISSION_DENIED, false",
        "404, NOT_FOUND, false",
        "408, DEADLINE_EXCEEDED, true",
        "429, RESOURCE_EXHAUSTED, true",
        "500, INTERNAL, true",
        "502, BAD_GATEWAY, true",
        "503, UNAVAILABLE, true",
        "504, DEADLINE_EXCEEDED, true",
    })
    void shouldClassifyStatuses(int status, String name, boolean retryable) {
        GeminiException failure = GeminiException.fromSdk(status < 500
                ? new ClientException(status, name, "message") : new ServerException(status, name, "message"));
        assertEquals(status, failure.httpStatus());
        assertEquals(name, failure.status());
        assertEquals(retryable, failure.retryable());
    }

    @Test
    void shouldReadTheRetryDelayAndQuotaOfA429() {
        GeminiException failure = GeminiException.fromSdk(
                new CompletionException(new ClientException(429, "RESOURCE_EXHAUSTED", QUOTA_MESSAGE)));
        assertEquals(Optional.of(Duration.ofMillis(1500)), failure.retryDelay());
        assertEquals(Optional.of("GenerateRequestsPerMinutePerProjectPerModel"), failure.quotaId());
        assertFalse(failure.dailyQuotaExhausted());
    }

    @Test
    void shouldRecogniseADailyQuota() {
        GeminiException failure = GeminiException.of(429, "RESOURCE_EXHAUSTED",
                QUOTA_MESSAGE.replace("PerMinute", "PerDay"));
        assertTrue(failure.dailyQuotaExhausted());
    }

    @Test
    void shouldTreatTransportErrorsAsRetryableWithoutStatus() {
        GeminiException failure = GeminiException.fromSdk(new GenAiIOException("Failed to execute HTTP request",
                new SocketTimeoutException("timeout")));
        assertEquals(0, failure.httpStatus());
        assertTrue(failure.retryable());
        assertTrue(failure.getMessage().contains("timeout"), failure.getMessage());
    }

    @Test
    void shouldNotRetryUnexpectedFailures() {
        GeminiException failure = GeminiException.fromSdk(new NullPointerException("no candidates"));
        assertFalse(failure.retryable());
        assertEquals("UNEXPECTED", failure.status());
    }

    @Test
    void shouldKeepAGeminiExceptionAsItIs() {
        GeminiException original = GeminiException.of(503, "UNAVAILABLE", "overloaded");
        assertSame(original, GeminiException.fromSdk(new CompletionException(original)));
    }

    @Test
    void shouldNameTheStatusInTheMessageWithTheHttpCodeOnlyWhenThereIsOne() {
        assertEquals("Gemini 503 UNAVAILABLE: overloaded", GeminiException.of(503, "UNAVAILABLE", "overloaded").getMessage());
        assertEquals("Gemini TRANSPORT: reset", GeminiException.transport("reset", null).getMessage());
    }

    @Test
    void shouldDescribeATransportFailureWithoutACauseByItself() {
        GeminiException failure = GeminiException.fromSdk(new IOException("connection reset"));
        assertEquals("Gemini TRANSPORT: connection reset", failure.getMessage());
    }

    @Test
    void shouldTellAFailureTooLargeForTheQuotaFromOthers() {
        assertTrue(GeminiException.largerThanQuota("5 requests", "4 requests").largerThanQuota());
        assertFalse(GeminiException.of(400, "INVALID_ARGUMENT", "too large").largerThanQuota());
        assertFalse(GeminiException.of(429, "RESOURCE_EXHAUSTED", null).retryDelay().isPresent(), "no message, no delay");
    }
}

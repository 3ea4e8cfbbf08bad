package io.github.geministreams.gemini;

import com.google.genai.errors.ApiException;
import com.google.genai.errors.GenAiIOException;
import io.github.geministreams.pacing.ModelFallback;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed Gemini call, classified: the HTTP status (0 for transport errors and
 * timeouts), whether retrying can help, and what a 429 says about waiting. Messages carry
 * what the API answered, never the API key (the API does not echo it, and we never add it).
 */
public final class GeminiException extends RuntimeException {
    /** Statuses worth retrying: timeouts, rate limits and server errors. */
    private static final String LARGER_THAN_QUOTA = "LARGER_THAN_QUOTA";
    private static final Set<Integer> RETRYABLE_STATUSES = Set.of(408, 429, 500, 502, 503, 504);
    /** The SDK leaves the RetryInfo and QuotaFailure details only in the message text. */
    private static final Pattern RETRY_DELAY = Pattern.compile("\"retryDelay\"\\s*:\\s*\"([0-9]+(?:\\.[0-9]+)?)s\"");
    private static final Pattern QUOTA_ID = Pattern.compile("\"quotaId\"\\s*:\\s*\"([^\"]+)\"");

    private final int httpStatus;
    private final String status;
    private final boolean retryable;
    private final Duration retryDelay;
    private final String quotaId;

    private GeminiException(int httpStatus, String status, String message, boolean retryable, Throwable cause) {
        this(httpStatus, status, describe(httpStatus, status, message), retryable, parseRetryDelay(message),
                find(QUOTA_ID, message), cause);
    }

    private GeminiException(int httpStatus, String status, String description, boolean retryable, Duration retryDelay,
                            String quotaId, Throwable cause) {
        super(description, cause);
        this.httpStatus = httpStatus;
        this.status = status;
        this.retryable = retryable;
        this.retryDelay = retryDelay;
        this.quotaId = quotaId;
    }

    /** A failure the API answered with {@code httpStatus}, as the API words it. */
    public static GeminiException of(int httpStatus, String status, String message) {
        return new GeminiException(httpStatus, status, message, RETRYABLE_STATUSES.contains(httpStatus), null);
    }

    /**
     * A call that asks for more than this instance's whole per-minute quota: it can never be
     * sent as it is. Not retryable; an embed bundle is split instead ({@link #largerThanQuota()}).
     */
    public static GeminiException largerThanQuota(String asked, String limit) {
        return new GeminiException(0, LARGER_THAN_QUOTA, "the call needs " + asked
                + ", more than this instance's whole per-minute quota of " + limit, false, null);
    }

    /** A failure before any answer: connection refused or reset, timeout. Always retryable. */
    public static GeminiException transport(String message, Throwable cause) {
        return new GeminiException(0, "TRANSPORT", message, true, cause);
    }

    /**
     * Classifies whatever a google-genai call failed with. Unknown exceptions (a bug, an
     * unexpected response shape) are not retryable: retrying would fail the same way.
     */
    public static GeminiException fromSdk(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof GeminiException gemini) {
            return gemini;
        }
        if (cause instanceof ApiException api) {
            return new GeminiException(api.code(), api.status(), api.message(),
                    RETRYABLE_STATUSES.contains(api.code()), api);
        }
        if (cause instanceof GenAiIOException || cause instanceof IOException
                || cause instanceof TimeoutException) {
            Throwable root = cause.getCause() != null ? cause.getCause() : cause;
            return transport(cause.getMessage() + (root != cause ? " (" + root + ")" : ""), cause);
        }
        return new GeminiException(0, "UNEXPECTED", String.valueOf(cause), false, cause);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable current = failure;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /**
     * This failure with another message: the same status, retry delay and quota. A
     * {@link ModelFallback} says in it what each model it tried answered.
     */
    public GeminiException describedAs(String description) {
        return new GeminiException(httpStatus, status, description, retryable, retryDelay, quotaId, this);
    }

    /** The HTTP status, or 0 when no answer came (transport error, timeout). */
    public int httpStatus() {
        return httpStatus;
    }

    /** The API's status name (RESOURCE_EXHAUSTED, UNAVAILABLE, ...), TRANSPORT or UNEXPECTED. */
    public String status() {
        return status;
    }

    public boolean retryable() {
        return retryable;
    }

    /** True for {@link #largerThanQuota}: never sent, because no minute of the quota holds it. */
    public boolean largerThanQuota() {
        return LARGER_THAN_QUOTA.equals(status);
    }

    /** How long the API asked us to wait (a 429's RetryInfo), if it said. */
    public Optional<Duration> retryDelay() {
        return Optional.ofNullable(retryDelay);
    }

    /** The quota a 429 names, e.g. GenerateRequestsPerMinutePerProjectPerModel. */
    public Optional<String> quotaId() {
        return Optional.ofNullable(quotaId);
    }

    /** A daily quota is spent: retrying within seconds cannot help. */
    public boolean dailyQuotaExhausted() {
        return httpStatus == 429 && quotaId != null && quotaId.contains("PerDay");
    }

    private static String describe(int httpStatus, String status, String message) {
        String what = httpStatus == 0 ? status : httpStatus + " " + status;
        return "Gemini " + what + ": " + message;
    }

    private static Duration parseRetryDelay(String message) {
        String seconds = find(RETRY_DELAY, message);
        if (seconds == null) {
            return null;
        }
        return Duration.ofNanos(Math.round(Double.parseDouble(seconds) * 1_000_000_000L));
    }

    private static String find(Pattern pattern, String message) {
        if (message == null) {
            return null;
        }
        Matcher matcher = pattern.matcher(message);
        return matcher.find() ? matcher.group(1) : null;
    }
}

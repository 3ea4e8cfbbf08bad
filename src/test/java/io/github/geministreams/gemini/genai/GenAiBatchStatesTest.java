package io.github.geministreams.gemini.genai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.genai.types.JobState;
import io.github.geministreams.gemini.BatchJobState;
import io.github.geministreams.gemini.GeminiException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the SDK's job states and the API's per-request error codes read as ours. */
class GenAiBatchStatesTest {
    @Test
    void shouldMapEverySdkJobState() {
        Map<JobState.Known, BatchJobState> expected = Map.ofEntries(
                Map.entry(JobState.Known.JOB_STATE_UNSPECIFIED, BatchJobState.PENDING),
                Map.entry(JobState.Known.JOB_STATE_QUEUED, BatchJobState.PENDING),
                Map.entry(JobState.Known.JOB_STATE_PENDING, BatchJobState.PENDING),
                Map.entry(JobState.Known.JOB_STATE_PAUSED, BatchJobState.PENDING),
                Map.entry(JobState.Known.JOB_STATE_UPDATING, BatchJobState.PENDING),
                Map.entry(JobState.Known.JOB_STATE_RUNNING, BatchJobState.RUNNING),
                Map.entry(JobState.Known.JOB_STATE_SUCCEEDED, BatchJobState.SUCCEEDED),
                Map.entry(JobState.Known.JOB_STATE_PARTIALLY_SUCCEEDED, BatchJobState.SUCCEEDED),
                Map.entry(JobState.Known.JOB_STATE_FAILED, BatchJobState.FAILED),
                Map.entry(JobState.Known.JOB_STATE_CANCELLING, BatchJobState.CANCELLING),
                Map.entry(JobState.Known.JOB_STATE_CANCELLED, BatchJobState.CANCELLED),
                Map.entry(JobState.Known.JOB_STATE_EXPIRED, BatchJobState.EXPIRED));
        assertEquals(JobState.Known.values().length, expected.size(), "a state of a newer SDK is unmapped here");
        expected.forEach((sdk, ours) -> assertEquals(ours, GenAiBatchClient.toState(new JobState(sdk)), sdk.name()));
    }

    @Test
    void shouldReadAnUnknownStateStringAsNotFinished() {
        assertFalse(GenAiBatchClient.toState(new JobState("BATCH_STATE_SOMETHING_NEW")).finished());
    }

    @Test
    void shouldClassifyRequestErrorsAsTheOnlineApiWould() {
        GeminiException quota = RpcStatus.toException(8, "Quota exceeded");
        assertEquals(429, quota.httpStatus());
        assertEquals("RESOURCE_EXHAUSTED", quota.status());
        assertTrue(quota.retryable());
        GeminiException invalid = RpcStatus.toException(3, "bad");
        assertEquals(400, invalid.httpStatus());
        assertFalse(invalid.retryable());
        assertEquals("Gemini 400 INVALID_ARGUMENT: bad", invalid.getMessage());
        GeminiException unknown = RpcStatus.toException(99, null);
        assertEquals(500, unknown.httpStatus());
        assertEquals("UNKNOWN(99)", unknown.status());
    }
}

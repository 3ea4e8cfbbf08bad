package io.github.geministreams.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.errors.ServerException;
import com.google.genai.types.HttpOptions;
import com.google.genai.types.HttpRetryOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The simulator's faults of single models ({@link ModelFaults}), through the real google-genai SDK. */
class ModelFaultsSdkTest {
    private static final String MISSING = "gemini-missing";
    private static final String BUSY = "gemini-busy";
    private static final String LIMITED = "gemini-limited";
    private static final String HEALTHY = "gemini-2.5-flash";

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Client sdk;
    private GeminiSimulator simulator;

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : toClose) {
            closeable.close();
        }
    }

    private void start(ModelFaults faults) {
        simulator = GeminiSimulator.start(SimulatorConfig.builder().modelFaults(faults).build());
        toClose.add(simulator);
        sdk = Client.builder()
                .apiKey(simulator.config().apiKey())
                .httpOptions(HttpOptions.builder()
                        .baseUrl(simulator.baseUrl())
                        .retryOptions(HttpRetryOptions.builder().attempts(1).httpStatusCodes(List.of()).build())
                        .build())
                .build();
        toClose.add(sdk);
    }

    @Test
    void shouldAnswer404ForAModelItDoesNotKnow() {
        start(ModelFaults.NONE.withNotFound(List.of(MISSING)));
        ClientException missing = assertThrows(ClientException.class,
                () -> sdk.models.generateContent(MISSING, "hello", null));
        assertEquals(404, missing.code());
        assertEquals("NOT_FOUND", missing.status());
        assertTrue(missing.message().contains("models/" + MISSING + " is not found"), missing.message());
        assertEquals("Simulated answer to: hello", sdk.models.generateContent(HEALTHY, "hello", null).text(),
                "other models answer");
    }

    @Test
    void shouldAnswer503EveryTimeForAnOverloadedModel() {
        start(ModelFaults.NONE.withOverloaded(List.of(BUSY)));
        for (int i = 0; i < 3; i++) {
            ServerException busy = assertThrows(ServerException.class,
                    () -> sdk.models.generateContent(BUSY, "hello", null));
            assertEquals(503, busy.code());
            assertEquals("UNAVAILABLE", busy.status());
        }
        assertEquals(3, simulator.counters().snapshot().errors503());
        assertEquals("Simulated answer to: hello", sdk.models.generateContent(HEALTHY, "hello", null).text());
    }

    @Test
    void shouldKeepADailyQuotaPerModel() {
        start(ModelFaults.NONE.withRequestsPerDay(LIMITED, 2));
        sdk.models.generateContent(LIMITED, "one", null);
        sdk.models.generateContent(LIMITED, "two", null);
        ClientException spent = assertThrows(ClientException.class,
                () -> sdk.models.generateContent(LIMITED, "three", null));
        assertEquals(429, spent.code());
        assertTrue(spent.message().contains("GenerateRequestsPerDayPerProjectPerModel"), spent.message());
        assertEquals(1, simulator.counters().snapshot().dailyQuota429s());
        sdk.models.generateContent(HEALTHY, "three", null);

        simulator.reset();
        assertEquals("Simulated answer to: four", sdk.models.generateContent(LIMITED, "four", null).text(),
                "a reset starts a new day");
    }
}

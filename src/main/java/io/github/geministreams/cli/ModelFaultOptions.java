package io.github.geministreams.cli;

import io.github.geministreams.simulator.ModelFaults;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The simulator's faults of single models, as flags of {@code simulator} and {@code local}: to try model fallback. */
final class ModelFaultOptions {
    @Option(names = "--missing-models", paramLabel = "MODEL", split = ",",
            description = "Simulated models that answer 404 NOT_FOUND, comma-separated.")
    List<String> missing = new ArrayList<>();

    @Option(names = "--overloaded-models", paramLabel = "MODEL", split = ",",
            description = "Simulated models that always answer 503 UNAVAILABLE, comma-separated.")
    List<String> overloaded = new ArrayList<>();

    @Option(names = "--model-requests-per-day", paramLabel = "MODEL=N",
            description = "A daily quota of one simulated model (429 with a PerDay quota id once spent); repeatable.")
    Map<String, Long> requestsPerDay = new LinkedHashMap<>();

    ModelFaults faults() {
        ModelFaults faults = ModelFaults.NONE.withNotFound(missing).withOverloaded(overloaded);
        for (Map.Entry<String, Long> quota : requestsPerDay.entrySet()) {
            faults = faults.withRequestsPerDay(quota.getKey(), quota.getValue());
        }
        return faults;
    }
}

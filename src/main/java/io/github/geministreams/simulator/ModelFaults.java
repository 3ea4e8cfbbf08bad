package io.github.geministreams.simulator;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Faults of single models, for testing model fallback: models the API does not know (every
 * request a 404 NOT_FOUND), models that are always overloaded (503 UNAVAILABLE), and daily
 * request quotas of single models (then a 429 for {@code GenerateRequestsPerDayPerProjectPerModel},
 * as the API answers). These come before the simulator's own faults and quotas, and a refused
 * request uses none of them. Immutable.
 *
 * @param requestsPerDay requests each model named may serve in any 24 hours
 */
public record ModelFaults(Set<String> notFound, Set<String> overloaded, Map<String, Long> requestsPerDay) {
    /** No model-specific faults. */
    public static final ModelFaults NONE = new ModelFaults(Set.of(), Set.of(), Map.of());

    public ModelFaults {
        notFound = Set.copyOf(notFound);
        overloaded = Set.copyOf(overloaded);
        requestsPerDay = Map.copyOf(requestsPerDay);
    }

    /** These faults, and {@code models} answer 404. */
    public ModelFaults withNotFound(List<String> models) {
        Set<String> more = new HashSet<>(notFound);
        more.addAll(models);
        return new ModelFaults(more, overloaded, requestsPerDay);
    }

    /** These faults, and {@code models} always answer 503. */
    public ModelFaults withOverloaded(List<String> models) {
        Set<String> more = new HashSet<>(overloaded);
        more.addAll(models);
        return new ModelFaults(notFound, more, requestsPerDay);
    }

    /** These faults, and {@code model} serves at most {@code requests} requests a day. */
    public ModelFaults withRequestsPerDay(String model, long requests) {
        Map<String, Long> more = new HashMap<>(requestsPerDay);
        more.put(model, requests);
        return new ModelFaults(notFound, overloaded, more);
    }
}

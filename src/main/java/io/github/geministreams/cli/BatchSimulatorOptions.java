package io.github.geministreams.cli;

import io.github.geministreams.simulator.SimulatorConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The simulator's Batch API behaviour, as flags of {@code simulator} and {@code local}: to try batch mode. */
final class BatchSimulatorOptions {
    @Option(names = "--batch-turnaround", defaultValue = "2s", converter = DurationConverter.class,
            description = "How long a simulated Batch API job takes from creation to its end (default: ${DEFAULT-VALUE}).")
    Duration turnaround;

    @Option(names = "--batch-expire-jobs",
            description = "Simulated Batch API jobs end EXPIRED instead of SUCCEEDED.")
    boolean expireJobs;

    SimulatorConfig.Builder applyTo(SimulatorConfig.Builder builder) {
        return builder.batchTurnaround(turnaround).batchExpireJobs(expireJobs);
    }
}

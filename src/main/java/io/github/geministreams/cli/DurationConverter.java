package io.github.geministreams.cli;

import io.github.geministreams.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Reads {@code 250ms}, {@code 30s}, {@code 2m} on the command line. */
public final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Durations.parse(value);
    }
}

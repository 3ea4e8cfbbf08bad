package io.github.geministreams.cli;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = GeminiStreamsCommand.class.getPackage().getImplementationVersion();
        return new String[] {"gemini-streams " + (version == null ? "development" : version)};
    }
}

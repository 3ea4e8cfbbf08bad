package io.github.geministreams.cli;

import io.github.geministreams.config.ConfigException;
import io.github.geministreams.topics.TopicProvisioningException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gemini-streams}: the entry point; each job is a subcommand. */
@Command(name = "gemini-streams", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Answers prompts from a Kafka topic with Google Gemini, as fast as the quota allows.",
        subcommands = {RunCommand.class, LocalCommand.class, ProduceCommand.class, ConsumeCommand.class,
                TopicsCommand.class, SimulatorCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class GeminiStreamsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with our error handling: known configuration problems print one clear line. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new GeminiStreamsCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((exception, cmd, parseResult) -> {
            if (exception instanceof ConfigException || exception instanceof TopicProvisioningException) {
                cmd.getErr().println("gemini-streams: " + exception.getMessage());
                return 2;
            }
            throw exception;
        });
        return commandLine;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

package io.github.geministreams.cli;

import io.github.geministreams.config.AppConfig;
import io.github.geministreams.model.Task;
import io.github.geministreams.topics.TopicRole;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gemini-streams produce}: a file of prompts, one a line, into the prompts topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Produce prompts to the prompts topic: one prompt a line, plain text or JSON objects (JSONL).")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
            description = "The prompts file; - (the default) reads standard input.")
    String file;

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Topic to write to (default: prompts from topics.yaml).")
    String topic;

    @Option(names = "--format", defaultValue = "auto",
            description = "auto (a line starting with '{' is JSON, others text), text or jsonl (default: ${DEFAULT-VALUE}).")
    PromptLine.Format format;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "generate and/or embed, for prompts that name no tasks (default: the application's tasks.default).")
    List<Task> tasks = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        AppConfig config = options.load();
        String target = topic != null ? topic : config.topics().name(TopicRole.PROMPTS);
        PromptLine lines = new PromptLine(format, tasks);
        long total = "-".equals(file) ? -1 : countLines(Path.of(file));
        long started = System.nanoTime();
        long sent;
        try (PromptProducer producer = new PromptProducer(config.clientProperties(), target, lines);
             BufferedReader reader = open();
             Progress progress = Progress.start("Producing", total, "lines")) {
            sent = producer.send(reader, progress::stepTo);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("Produced %d prompts to '%s' in %.1f s (%.0f prompts/s)%n",
                sent, target, seconds, sent / Math.max(seconds, 1e-3));
        return 0;
    }

    private BufferedReader open() throws IOException {
        if ("-".equals(file)) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        return Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
    }

    private static long countLines(Path path) throws IOException {
        try (Stream<String> lines = Files.lines(path, StandardCharsets.UTF_8)) {
            return lines.count();
        }
    }
}

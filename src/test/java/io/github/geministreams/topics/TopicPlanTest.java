package io.github.geministreams.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicPlanTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadTheRepositoryTopicsYaml() {
        TopicPlan plan = TopicPlan.fromFile(Path.of("topics.yaml"));
        assertEquals("prompts", plan.name(TopicRole.PROMPTS));
        assertEquals("dead-letter", plan.name(TopicRole.DEAD_LETTER));
        assertEquals(6, plan.spec(TopicRole.PROMPTS).partitions());
        assertEquals("zstd", plan.spec(TopicRole.RESPONSES).configs().get("compression.type"));
    }

    @Test
    void shouldCarryTheSameTopicsYamlInsideTheJar() {
        TopicPlan builtIn = TopicPlan.builtIn();
        TopicPlan repository = TopicPlan.fromFile(Path.of("topics.yaml"));
        for (TopicRole role : TopicRole.values()) {
            assertEquals(repository.spec(role), builtIn.spec(role));
        }
    }

    @Test
    void shouldNameTheMissingTopicRole() throws IOException {
        Path file = dir.resolve("topics.yaml");
        Files.writeString(file, "topics:\n  prompts:\n    name: p\n    partitions: 1\n    replicationFactor: 1\n");
        InvalidTopicsFileException error = assertThrows(InvalidTopicsFileException.class, () -> TopicPlan.fromFile(file));
        assertTrue(error.getMessage().contains("'responses' is not declared"), error.getMessage());
    }

    @Test
    void shouldRejectZeroPartitions() throws IOException {
        Path file = dir.resolve("topics.yaml");
        String yaml = Files.readString(Path.of("topics.yaml")).replaceFirst("partitions: 6", "partitions: 0");
        Files.writeString(file, yaml);
        InvalidTopicsFileException error = assertThrows(InvalidTopicsFileException.class, () -> TopicPlan.fromFile(file));
        assertTrue(error.getMessage().contains("topics.prompts.partitions"), error.getMessage());
    }
}

package io.github.geministreams.integration.pipeline;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.geministreams.testing.FaultyGeminiScenario;
import java.nio.file.Path;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The end-to-end scenario of {@link PipelineIT}, the same code, against Kafka in
 * a container: the apache/kafka image of the Kafka version we build with. Where no Docker
 * engine runs (our CI) it is skipped, and says so in the build log.
 */
class PipelineContainerIT {
    @TempDir
    Path dir;

    @Test
    void shouldAccountForEveryPromptExactlyOnceOnKafkaInAContainer() throws Exception {
        boolean docker = DockerClientFactory.instance().isDockerAvailable();
        if (!docker) {
            String reason = "SKIPPED PipelineContainerIT: no Docker engine is reachable, so the Testcontainers run of "
                    + "the pipeline scenario cannot start here; the same scenario ran on the embedded broker in "
                    + "PipelineIT";
            System.out.println(reason);
            assumeTrue(false, reason);
        }
        DockerImageName image = DockerImageName.parse("apache/kafka:" + AppInfoParser.getVersion());
        try (KafkaContainer kafka = new KafkaContainer(image)) {
            kafka.start();
            System.out.println(FaultyGeminiScenario.run(kafka.getBootstrapServers(), dir, "container"));
        }
    }
}

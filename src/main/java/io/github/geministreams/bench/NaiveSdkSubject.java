package io.github.geministreams.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.genai.Client;
import com.google.genai.types.ContentEmbedding;
import com.google.genai.types.EmbedContentConfig;
import com.google.genai.types.GenerateContentResponse;
import com.google.genai.types.HttpOptions;
import io.github.geministreams.config.AppConfig;
import io.github.geministreams.cost.CostEstimator;
import io.github.geministreams.cost.PriceTable;
import io.github.geministreams.gemini.TokenUsage;
import io.github.geministreams.model.Mode;
import io.github.geministreams.serde.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The baseline a user would otherwise write: a Kafka Streams {@code mapValues} that calls the
 * google-genai SDK synchronously, one record at a time, on one stream thread, with the SDK's
 * default HTTP settings. A failed call becomes an error output rather than a crash, which is
 * the least such a user would do. Exactly once, like the other rows. The bench adds each
 * answer's estimated {@code costUsd} (0 for a failed call, which Gemini does not bill) to its
 * output, estimated as gemini-streams does, so the row's cost compares.
 */
final class NaiveSdkSubject implements BenchSubject {
    private final Client client;
    private final KafkaStreams streams;
    private final CostEstimator costs;

    NaiveSdkSubject(Map<String, Object> clientProperties, String applicationId, String prompts, String output,
                    Path stateDir, AppConfig.GeminiSettings gemini, PriceTable prices) {
        this.costs = new CostEstimator(prices);
        this.client = Client.builder()
                .apiKey(gemini.apiKey())
                .httpOptions(HttpOptions.builder().baseUrl(gemini.baseUrl().orElseThrow()).build())
                .build();
        EmbedContentConfig embedConfig = EmbedContentConfig.builder().outputDimensionality(gemini.embedDimensions()).build();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(prompts, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(value -> answer(value, gemini, embedConfig))
                .to(output, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        this.streams = new KafkaStreams(builder.build(),
                BaselineStreams.properties(clientProperties, applicationId, stateDir));
    }

    private byte[] answer(byte[] value, AppConfig.GeminiSettings gemini, EmbedContentConfig embedConfig) {
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            JsonNode prompt = Json.MAPPER.readTree(value);
            String text = prompt.path("prompt").asText();
            out.put("id", prompt.path("id").asText());
            if ("embed".equals(prompt.path("tasks").path(0).asText())) {
                List<Float> values = client.models.embedContent(gemini.embedModel(), text, embedConfig).embeddings()
                        .flatMap(list -> list.stream().findFirst()).flatMap(ContentEmbedding::values).orElse(List.of());
                out.put("values", values);
                out.put("costUsd", costs.embedding(gemini.embedModel(), Mode.ONLINE, text));
            } else {
                GenerateContentResponse response = client.models.generateContent(gemini.generateModel(), text, null);
                out.put("text", response.text());
                out.put("costUsd", costs.response(gemini.generateModel(), Mode.ONLINE, usage(response)));
            }
        } catch (IOException | RuntimeException e) {
            out.put("error", String.valueOf(e.getMessage()));
            out.put("costUsd", 0.0);
        }
        return Json.toBytes(out);
    }

    private static TokenUsage usage(GenerateContentResponse response) {
        return response.usageMetadata()
                .map(metadata -> new TokenUsage(metadata.promptTokenCount().orElse(0),
                        metadata.candidatesTokenCount().orElse(0), metadata.thoughtsTokenCount().orElse(0),
                        metadata.totalTokenCount().orElse(0)))
                .orElse(TokenUsage.NONE);
    }

    @Override
    public void start() throws InterruptedException {
        BaselineStreams.startAndAwaitRunning(streams, "naive", Duration.ofMinutes(2));
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        client.close();
    }
}

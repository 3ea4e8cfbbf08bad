package io.github.geministreams.cost;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Prices per model: Google's published list prices, under the overrides of
 * {@code gemini.prices}. Immutable.
 *
 * <p>The published prices are those of the Gemini Developer API's paid tier for prompts up to
 * 200k tokens, text input, as listed on https://ai.google.dev/gemini-api/docs/pricing in
 * {@link #PUBLISHED_ON} (this build could not reach the page itself; copies of it from that
 * month give these figures); the Batch API costs half of each. A deployment with other prices (a
 * contract, Vertex AI, a price change) sets {@code gemini.prices}.
 */
public final class PriceTable {
    /** When Google's pricing page listed the built-in prices. */
    public static final String PUBLISHED_ON = "March 2026";
    private static final Map<String, ModelPrice> PUBLISHED = publishedPrices();

    private final Map<String, ModelPrice> prices;

    private PriceTable(Map<String, ModelPrice> prices) {
        this.prices = Collections.unmodifiableMap(prices);
    }

    /** The published prices alone. */
    public static PriceTable published() {
        return new PriceTable(new LinkedHashMap<>(PUBLISHED));
    }

    /** The published prices with {@code overrides} over them (and models of their own added). */
    public static PriceTable withOverrides(Map<String, ModelPrice> overrides) {
        Map<String, ModelPrice> merged = new LinkedHashMap<>(PUBLISHED);
        merged.putAll(overrides);
        return new PriceTable(merged);
    }

    /** The price of {@code model} (with or without the {@code models/} prefix), if the table has one. */
    public Optional<ModelPrice> of(String model) {
        if (model == null) {
            return Optional.empty();
        }
        String name = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return Optional.ofNullable(prices.get(name));
    }

    /** Every model with a price, in table order. */
    public Map<String, ModelPrice> all() {
        return prices;
    }

    @Override
    public String toString() {
        return prices.toString();
    }

    private static Map<String, ModelPrice> publishedPrices() {
        Map<String, ModelPrice> table = new LinkedHashMap<>();
        table.put("gemini-2.5-pro", new ModelPrice(1.25, 10.00, 0.625, 5.00));
        table.put("gemini-2.5-flash", new ModelPrice(0.30, 2.50, 0.15, 1.25));
        table.put("gemini-2.5-flash-lite", new ModelPrice(0.10, 0.40, 0.05, 0.20));
        table.put("gemini-2.0-flash", new ModelPrice(0.10, 0.40, 0.05, 0.20));
        table.put("gemini-2.0-flash-lite", new ModelPrice(0.075, 0.30, 0.0375, 0.15));
        table.put("gemini-embedding-001", new ModelPrice(0.15, 0, 0.075, 0));
        return Collections.unmodifiableMap(table);
    }
}

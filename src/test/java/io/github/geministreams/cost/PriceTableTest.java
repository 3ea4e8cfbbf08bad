package io.github.geministreams.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.geministreams.model.Mode;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    private static final double MICRO = 1e-12;

    @Test
    void shouldListThePublishedPricesWithTheBatchApiAtHalf() {
        PriceTable table = PriceTable.published();
        assertEquals(Optional.of(new ModelPrice(0.30, 2.50, 0.15, 1.25)), table.of("gemini-2.5-flash"));
        assertEquals(Optional.of(new ModelPrice(0.15, 0, 0.075, 0)), table.of("gemini-embedding-001"));
        for (var entry : table.all().entrySet()) {
            ModelPrice price = entry.getValue();
            assertEquals(price.input() / 2, price.batchInput(), MICRO, entry.getKey());
            assertEquals(price.output() / 2, price.batchOutput(), MICRO, entry.getKey());
        }
    }

    @Test
    void shouldFindAModelWithOrWithoutItsResourcePrefixAndNothingForAnUnknownOne() {
        PriceTable table = PriceTable.published();
        assertEquals(table.of("gemini-2.5-pro"), table.of("models/gemini-2.5-pro"));
        assertTrue(table.of("gemini-2.5-pro").isPresent());
        assertEquals(Optional.empty(), table.of("gemini-9-ultra"));
        assertEquals(Optional.empty(), table.of(null));
    }

    @Test
    void shouldOverrideAPublishedPriceAndAddAModelOfItsOwn() {
        ModelPrice contract = new ModelPrice(0.2, 2, 0.1, 1);
        ModelPrice tuned = new ModelPrice(1, 1, 1, 1);
        PriceTable table = PriceTable.withOverrides(Map.of("gemini-2.5-flash", contract, "my-tuned-model", tuned));
        assertEquals(Optional.of(contract), table.of("gemini-2.5-flash"));
        assertEquals(Optional.of(tuned), table.of("my-tuned-model"));
        assertEquals(PriceTable.published().of("gemini-2.5-pro"), table.of("gemini-2.5-pro"), "the others stay");
        assertEquals(Optional.of(new ModelPrice(0.30, 2.50, 0.15, 1.25)), PriceTable.published().of("gemini-2.5-flash"),
                "the published table is not changed by an override");
    }

    @Test
    void shouldNotLetTheTableBeChangedFromOutside() {
        assertThrows(UnsupportedOperationException.class,
                () -> PriceTable.published().all().put("free", new ModelPrice(0, 0, 0, 0)));
    }

    @Test
    void shouldChargeInputAndOutputTokensAtTheirPriceInEachMode() {
        ModelPrice price = new ModelPrice(1, 10, 0.5, 5);
        assertEquals(0.000_001 * 3 + 0.000_010 * 4, price.cost(Mode.ONLINE, 3, 4), MICRO);
        assertEquals(0.000_000_5 * 3 + 0.000_005 * 4, price.cost(Mode.BATCH, 3, 4), MICRO);
        assertEquals(1.0 + 10.0, price.cost(Mode.ONLINE, 1_000_000, 1_000_000), MICRO);
    }

    @Test
    void shouldRejectANegativeOrNonFinitePrice() {
        assertThrows(IllegalArgumentException.class, () -> new ModelPrice(-0.1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelPrice(1, 1, 1, -1));
        assertThrows(IllegalArgumentException.class, () -> new ModelPrice(Double.NaN, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ModelPrice(1, Double.POSITIVE_INFINITY, 1, 1));
    }
}

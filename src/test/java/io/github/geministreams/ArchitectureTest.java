package io.github.geministreams;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packages stack: each may import only the packages below it, and no two packages depend
 * on each other. The order, top first, is {@link #LAYERS}; docs/architecture.md explains it.
 * A class that needs something from a package above it is in the wrong package, or needs an
 * interface of its own that the package above implements (as {@code pacing.PacingListener}).
 */
class ArchitectureTest {
    private static final String ROOT = "io.github.geministreams";

    /** Every main package, from the top (commands) down (plain values and helpers). */
    static final List<String> LAYERS = List.of(
            "cli",
            "bench",
            "local",
            "simulator",
            "app",
            "topology",
            "topology.batchjob",
            "topology.output",
            "topology.cache",
            "topology.online",
            "topology.store",
            "jobs",
            "metrics",
            "config",
            "prompt",
            "topics",
            "cost",
            "pacing",
            "gemini.genai",
            "gemini",
            "model",
            "serde",
            "support");

    private static final JavaClasses MAIN_CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    @Test
    void shouldHaveNoPackageCycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(MAIN_CLASSES);
    }

    @Test
    void shouldImportOnlyDownwards() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String layer : LAYERS) {
            layers = layers.layer(layer).definedBy(ROOT + "." + layer);
        }
        for (int i = 1; i < LAYERS.size(); i++) {
            layers = layers.whereLayer(LAYERS.get(i)).mayOnlyBeAccessedByLayers(above(i));
        }
        layers.whereLayer("cli").mayNotBeAccessedByAnyLayer().check(MAIN_CLASSES);
    }

    @Test
    void shouldKeepTheGoogleGenAiAdapterToTheWiring() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("wiring").definedBy(ROOT + ".app")
                .layer("adapter").definedBy(ROOT + ".gemini.genai")
                .layer("everything else").definedBy(everythingBut("app", "gemini.genai"))
                .whereLayer("adapter").mayOnlyBeAccessedByLayers("wiring")
                .check(MAIN_CLASSES);
    }

    private static String[] above(int index) {
        return LAYERS.subList(0, index).toArray(String[]::new);
    }

    private static String[] everythingBut(String... excluded) {
        List<String> skip = Arrays.asList(excluded);
        return LAYERS.stream().filter(layer -> !skip.contains(layer)).map(layer -> ROOT + "." + layer)
                .toArray(String[]::new);
    }
}

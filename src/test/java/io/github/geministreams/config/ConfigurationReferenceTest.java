package io.github.geministreams.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration reference, docs/configuration.md, lists every setting with its real default. */
class ConfigurationReferenceTest {
    @Test
    void shouldDocumentEverySettingWithItsDefault() throws Exception {
        String reference = Files.readString(Path.of("docs/configuration.md"));
        for (Setting setting : Setting.values()) {
            String defaultCell = setting.defaultValue().isEmpty() ? " " : " `" + setting.defaultValue() + "` ";
            String row = "| `" + setting.key() + "` |" + defaultCell + "|";
            assertTrue(reference.contains(row), "docs/configuration.md's configuration table lacks the row starting " + row);
        }
    }
}

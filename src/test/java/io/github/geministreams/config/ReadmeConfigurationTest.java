package io.github.geministreams.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration reference lists every setting with its real default. */
class ReadmeConfigurationTest {
    @Test
    void shouldDocumentEverySettingWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        for (Setting setting : Setting.values()) {
            String defaultCell = setting.defaultValue().isEmpty() ? " " : " `" + setting.defaultValue() + "` ";
            String row = "| `" + setting.key() + "` |" + defaultCell + "|";
            assertTrue(readme.contains(row), "README.md's configuration table lacks the row starting " + row);
        }
    }
}

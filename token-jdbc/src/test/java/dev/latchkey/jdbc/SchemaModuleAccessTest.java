package dev.latchkey.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.latchkey.spi.TokenStore;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.slf4j.Logger;

/**
 * A migration tool on the module path (Flyway, Liquibase) reads the schema scripts through
 * {@code Module.getResourceAsStream}, which returns nothing for a package that is not open to it. This loads
 * token-jdbc as a real named module in its own layer and reads every dialect's script from outside the module.
 */
class SchemaModuleAccessTest {

    @ParameterizedTest
    @EnumSource(SqlDialect.class)
    void schemaScriptWhenReadFromAnotherModuleThenTheFolderIsOpen(SqlDialect dialect) throws Exception {
        ModuleLayer layer = layerWithJdbcModule();
        Module jdbc = layer.findModule("dev.latchkey.jdbc").orElseThrow();

        String script = dialect.schemaLocation() + "/V1__latchkey_schema.sql";
        try (InputStream in = jdbc.getResourceAsStream(script)) {
            assertThat(in).as("%s readable from outside dev.latchkey.jdbc (module-info must open its folder)", script)
                    .isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).containsIgnoringCase("create table");
        }
        assertThat(jdbc.getDescriptor().exports()).allSatisfy(e -> assertThat(e.source()).doesNotContain(".schema"));
    }

    private static ModuleLayer layerWithJdbcModule() throws IOException, URISyntaxException {
        ModuleFinder finder = ModuleFinder.of(
                location(SqlDialect.class), location(TokenStore.class), location(Logger.class));
        Configuration cf = ModuleLayer.boot().configuration()
                .resolve(finder, ModuleFinder.of(), Set.of("dev.latchkey.jdbc"));
        return ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}

package dev.bulwark.engine.formats.ole2;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/** Regenerates fuzz seeds from generated documents: mvn test -Dtest=SeedWriter -Dbulwark.seeds=true */
class SeedWriter {
    @Test
    @EnabledIfSystemProperty(named = "bulwark.seeds", matches = "true")
    void write() throws Exception {
        Path base = Path.of("src/test/resources/dev/bulwark/engine/formats/ole2/Ole2ExtractorFuzzTestInputs");
        Files.write(base.resolve("fuzz/macro.doc"), VbaMacroTest.document());
        Files.write(base.resolve("vbaDecompress/dir.bin"), Ole2Builder.vbaCompress(VbaMacroTest.dirStream("Module1", 100)));
    }
}

package dev.bulwark.engine.formats.swf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class SwfExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new SwfExtractor(), data, FileType.SWF, Contract.smallBudget(1 << 20));
    }

    @Test
    @EnabledIfSystemProperty(named = "bulwark.seeds", matches = "true")
    void writeSeeds() throws Exception {
        Path base = Files.createDirectories(Path.of("src/test/resources/dev/bulwark/engine/formats/swf/SwfExtractorFuzzTestInputs/fuzz"));
        Files.write(base.resolve("cws.swf"), SwfExtractorTest.cws(SwfExtractorTest.fws()));
        Files.write(base.resolve("zws.swf"), SwfExtractorTest.zws(SwfExtractorTest.fws()));
    }
}

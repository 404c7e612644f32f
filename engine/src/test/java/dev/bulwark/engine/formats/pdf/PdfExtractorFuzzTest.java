package dev.bulwark.engine.formats.pdf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

class PdfExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new PdfExtractor(), data, FileType.PDF, Contract.smallBudget(1 << 20));
    }

    /** Regenerates the generated seed: mvn test -Dtest=PdfExtractorFuzzTest#writeSeeds -Dbulwark.seeds=true */
    @Test
    @EnabledIfSystemProperty(named = "bulwark.seeds", matches = "true")
    void writeSeeds() throws Exception {
        Path base = Path.of("src/test/resources/dev/bulwark/engine/formats/pdf/PdfExtractorFuzzTestInputs/fuzz");
        Files.createDirectories(base);
        Files.write(base.resolve("filters.pdf"), PdfExtractorTest.filtersDocument());
    }
}

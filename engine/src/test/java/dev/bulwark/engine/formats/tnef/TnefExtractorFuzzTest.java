package dev.bulwark.engine.formats.tnef;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class TnefExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new TnefExtractor(), data, FileType.TNEF, Contract.smallBudget(1 << 20));
    }
}

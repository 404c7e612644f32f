package dev.bulwark.engine.formats.binhex;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class BinHexExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new BinHexExtractor(), data, FileType.BINHEX, Contract.smallBudget(1 << 20));
    }
}

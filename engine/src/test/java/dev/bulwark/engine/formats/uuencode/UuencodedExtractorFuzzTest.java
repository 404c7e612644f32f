package dev.bulwark.engine.formats.uuencode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class UuencodedExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new UuencodedExtractor(), data, FileType.UUENCODED, Contract.smallBudget(1 << 20));
    }
}

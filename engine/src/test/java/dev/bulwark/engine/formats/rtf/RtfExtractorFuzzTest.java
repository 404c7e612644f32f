package dev.bulwark.engine.formats.rtf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class RtfExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new RtfExtractor(), data, FileType.RTF, Contract.smallBudget(1 << 20));
    }
}

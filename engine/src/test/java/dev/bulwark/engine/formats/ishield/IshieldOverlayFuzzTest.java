package dev.bulwark.engine.formats.ishield;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class IshieldOverlayFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(IshieldOverlayTest.AS_EXTRACTOR, FileType.MSEXE, data);
    }
}

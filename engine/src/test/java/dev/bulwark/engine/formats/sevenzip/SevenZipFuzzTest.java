package dev.bulwark.engine.formats.sevenzip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class SevenZipFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, data);
    }
}

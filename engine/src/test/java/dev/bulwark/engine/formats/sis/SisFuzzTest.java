package dev.bulwark.engine.formats.sis;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class SisFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new SisExtractor(), FileType.SIS, data);
    }
}

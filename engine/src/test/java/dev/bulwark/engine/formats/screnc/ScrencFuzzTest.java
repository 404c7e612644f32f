package dev.bulwark.engine.formats.screnc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class ScrencFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new ScrencExtractor(), FileType.SCRENC, data);
    }
}

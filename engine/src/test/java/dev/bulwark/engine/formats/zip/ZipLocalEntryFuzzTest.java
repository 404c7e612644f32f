package dev.bulwark.engine.formats.zip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class ZipLocalEntryFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new ZipLocalEntry(), FileType.ZIP, data);
    }
}

package dev.bulwark.engine.formats.iso9660;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class Iso9660FuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new Iso9660Extractor(), FileType.ISO9660, data);
    }
}

package dev.bulwark.engine.formats.nsis;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class NsisFuzzTest {
    /** Seeds: small synthetic archives (non-solid zlib, non-solid LZMA, solid LZMA) from NsisBuilder; makensis bzip2 (solid, non-solid). */
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new NsisExtractor(), FileType.NULSFT, data);
    }
}

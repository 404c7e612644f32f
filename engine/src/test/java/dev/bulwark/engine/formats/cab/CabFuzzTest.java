package dev.bulwark.engine.formats.cab;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class CabFuzzTest {
    /** Seeds: clam.cab, an MSZIP cabinet, libmspack's Quantum samples (see libmspack/README.md), a synthetic Quantum cabinet. */
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new CabExtractor(), FileType.MSCAB, data);
    }
}

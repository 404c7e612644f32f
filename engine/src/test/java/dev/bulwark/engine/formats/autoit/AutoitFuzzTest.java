package dev.bulwark.engine.formats.autoit;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class AutoitFuzzTest {
    /** Seeds: small synthetic EA05 and EA06 payloads from AutoitBuilder. */
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new AutoitExtractor(), FileType.AUTOIT, data);
    }
}

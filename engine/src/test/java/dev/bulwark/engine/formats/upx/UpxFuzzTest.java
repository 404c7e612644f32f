package dev.bulwark.engine.formats.upx;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.pepack.PeUnpackExtractor;

class UpxFuzzTest {
    /** Seeds: small synthetic UPX files, one per NRV variant (see SyntheticUpx). */
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new PeUnpackExtractor(), FileType.MSEXE, data);
    }
}

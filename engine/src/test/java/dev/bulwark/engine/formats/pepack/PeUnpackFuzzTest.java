package dev.bulwark.engine.formats.pepack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class PeUnpackFuzzTest {
    /**
     * Seeds: synthetic MEW (LZ regions; LZMA with the call filter), 2-section Upack (1.1 and 0.39), yC, WWPack,
     * ASPack, PESpin, Petite and UPX files (SyntheticPe, SyntheticPetite, SyntheticUpx), and ClamAV's
     * clam-mew.exe and clam-upack.exe, so that every unpacker is reached.
     */
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new PeUnpackExtractor(), FileType.MSEXE, data);
    }
}

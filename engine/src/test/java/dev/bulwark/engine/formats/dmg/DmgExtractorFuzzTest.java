package dev.bulwark.engine.formats.dmg;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class DmgExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new DmgExtractor(), data, FileType.DMG, Contract.smallBudget(1 << 20));
    }
}

package dev.bulwark.engine.formats.mime;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class MailExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new MailExtractor(), data, FileType.MAIL, Contract.smallBudget(1 << 20));
    }
}

package dev.bulwark.engine.formats.xmldoc;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class MsXmlExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new MsXmlExtractor(), data, FileType.XML_WORD, Contract.smallBudget(1 << 20));
        Contract.run(new XdpExtractor(), data, FileType.XDP, Contract.smallBudget(1 << 20));
    }
}

package dev.bulwark.engine.formats.htmlutf16;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

class HtmlUtf16FuzzTest {
    @FuzzTest(maxDuration = "30s")
    void fuzz(byte[] data) {
        Contract.run(new HtmlUtf16Extractor(), FileType.HTML_UTF16, data);
    }
}

package dev.bulwark.engine.formats.ole2;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;

class Ole2ExtractorFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new Ole2Extractor(), data, FileType.MSOLE2, Contract.smallBudget(1 << 20));
    }

    @FuzzTest(maxDuration = "30s")
    void vbaDecompress(byte[] data) {
        dev.bulwark.engine.formats.docio.ByteSink out = new dev.bulwark.engine.formats.docio.ByteSink(1 << 16);
        VbaDecompressor.decompress(java.nio.ByteBuffer.wrap(data), 0, data.length, out);
    }
}

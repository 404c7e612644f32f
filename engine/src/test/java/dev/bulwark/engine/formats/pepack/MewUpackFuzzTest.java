package dev.bulwark.engine.formats.pepack;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;

/**
 * Damaged MEW and Upack files: the fuzzer picks one of the synthetic samples (MEW with LZ regions, with
 * LZMA, with LZMA and the call filter; Upack 1.1 and 0.39) and edits a few of its bytes, so that it
 * explores the stubs' parameter walks and the LZ and LZMA decoders behind them rather than the PE
 * header checks in front. Input: sample index, number of edits, then (offset high, offset low, value)
 * per edit. Seeds: each sample unedited, and a few edits inside the compressed data.
 */
class MewUpackFuzzTest {
    private static final byte[][] SAMPLES = {
        SyntheticPe.mew(SyntheticPackersTest.payload(), 0x1010, 0),
        SyntheticPe.mew(SyntheticPackersTest.payload(), 0x1010, 1),
        SyntheticPe.mew(filtered(), 0x1010, 2),
        SyntheticPe.upack11(SyntheticPackersTest.payload(), 0x1010),
        SyntheticPe.upack039(SyntheticPackersTest.payload(), 0x1010),
    };
    /** Edits per input: a handful keeps the sample recognisable. */
    private static final int MAX_EDITS = 16;

    private static byte[] filtered() {
        byte[] p = SyntheticPackersTest.payload();
        p[0x80] = (byte) 0xe8;
        return p;
    }

    @FuzzTest(maxDuration = "60s")
    void damaged(byte[] data) {
        if (data.length < 2) return;
        byte[] f = SAMPLES[(data[0] & 0xff) % SAMPLES.length].clone();
        int edits = (data[1] & 0xff) % (MAX_EDITS + 1);
        for (int k = 0, i = 2; k < edits && i + 2 < data.length; k++, i += 3) {
            int at = ((data[i] & 0xff) << 8 | (data[i + 1] & 0xff)) % f.length;
            f[at] = data[i + 2];
        }
        Contract.run(new PeUnpackExtractor(), FileType.MSEXE, f);
    }
}

package dev.bulwark.engine.formats.tnef;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import java.io.ByteArrayOutputStream;

/**
 * (fuzz19) Fuzzes the TNEF extractor through records built from the input: raw byte strings rarely pass the signature
 * and the record walk (fuzz18: 98 edges). The input is a list of records, each a selector byte (bit 0: level 1 or 2,
 * bits 1-3: which attribute id of {@link #IDS}, bits 4-5: declared length exact, longer by the next byte, shorter by
 * it, or 0xFFFFFFFF; bit 6: a checksum of 0 instead of the sum), a length byte and that many bytes of data; behind the
 * signature and the legacy key. An input that starts with the signature is used as it is. Seeds replay in every build.
 */
class TnefExtractorFuzzTest {
    private static final int[] IDS = {0x9002, 0x8010, 0x800F, 0x8010, 0x800F, 0x9002, 0x0000, 0xFFFF};

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new TnefExtractor(), build(data), FileType.TNEF, Contract.smallBudget(1 << 20));
    }

    static byte[] build(byte[] d) {
        if (d.length >= 4 && (d[0] & 0xff | (d[1] & 0xff) << 8 | (d[2] & 0xff) << 16 | d[3] << 24) == TnefExtractor.SIGNATURE) {
            return d; // a whole TNEF file (the clam.tnef seed) as it is
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int sig = TnefExtractor.SIGNATURE;
        out.write(sig);
        out.write(sig >>> 8);
        out.write(sig >>> 16);
        out.write(sig >>> 24);
        out.write(0x01);
        out.write(0x00);
        int p = 0;
        while (p + 2 <= d.length) {
            int sel = d[p] & 0xff, len = d[p + 1] & 0xff;
            p += 2;
            int n = Math.min(len, d.length - p);
            int declared = switch (sel >>> 4 & 3) {
                case 0 -> n;
                case 1 -> n + (p + n < d.length ? d[p + n] & 0xff : 1);
                case 2 -> Math.max(0, n - (p + n < d.length ? d[p + n] & 0xff : 1));
                default -> -1;
            };
            out.write((sel & 1) + 1);
            int id = IDS[sel >>> 1 & 7];
            out.write(id);
            out.write(id >>> 8);
            out.write(0x06); // attribute type, ignored
            out.write(0x00);
            out.write(declared);
            out.write(declared >>> 8);
            out.write(declared >>> 16);
            out.write(declared >>> 24);
            int sum = 0;
            for (int i = 0; i < n; i++) {
                out.write(d[p + i]);
                sum += d[p + i] & 0xff;
            }
            p += n;
            if ((sel & 0x40) != 0) sum = 0;
            out.write(sum);
            out.write(sum >>> 8);
        }
        return out.toByteArray();
    }
}

package dev.bulwark.engine.formats.macho;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;

/**
 * Jazzer: any input must extract without throwing, and every slice must lie inside the input. (fuzz19) The input is
 * turned into a universal binary: raw byte strings rarely carry the magic and a small architecture count (fuzz18: 82
 * edges). Byte 0: bit 0 byte-swapped magic, bit 1 keep the input as it is (raw), bits 2-7 the architecture count
 * (0-63, so counts over 32 and Java-class-like values are reached); then per architecture 4 bytes: offset and size as
 * 16-bit values (scaled to the file: an offset below the headers, at or past the end, a size of 0 or past the end);
 * the rest is the body the slices cut. Seeds replay in every build.
 */
class MachoUniversalFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        byte[] file = build(data);
        RecordingContext ctx = new RecordingContext(true);
        new MachoUniversalExtractor().extract(RecordingContext.layer(file), ctx);
        assertTrue(ctx.children.size() <= 32);
        for (RecordingContext.Child c : ctx.children) assertTrue(c.bytes().length <= file.length);
    }

    static byte[] build(byte[] d) {
        if (d.length == 0 || (d[0] & 2) != 0) return d;
        boolean swap = (d[0] & 1) != 0;
        int nfat = (d[0] & 0xff) >>> 2;
        int archs = Math.min(nfat, (d.length - 1) / 4);
        int body = d.length - 1 - 4 * archs;
        int size = 8 + 20 * archs + body;
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putInt(swap ? 0xbebafeca : 0xcafebabe);
        b.putInt(swap ? Integer.reverseBytes(nfat) : nfat);
        for (int i = 0; i < archs; i++) {
            int off = (d[1 + 4 * i] & 0xff) << 8 | (d[2 + 4 * i] & 0xff);
            int len = (d[3 + 4 * i] & 0xff) << 8 | (d[4 + 4 * i] & 0xff);
            off = (int) ((long) off * (size + 64) / 65536); // 0 .. a little past the end
            len = (int) ((long) len * (size + 64) / 65536);
            int[] fields = {7, 3, off, len, 12}; // cputype, subtype, offset, size, align
            for (int f : fields) b.putInt(swap ? Integer.reverseBytes(f) : f);
        }
        b.put(d, 1 + 4 * archs, body);
        return b.array();
    }
}

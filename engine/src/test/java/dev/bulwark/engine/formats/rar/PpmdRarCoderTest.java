package dev.bulwark.engine.formats.rar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * RAR 3's range coder under the PPMd model over a long stream (ppmd14; the RAR fixtures hold only a
 * few KB of PPMd). A 7z PPMd fixture is decoded with 7-Zip's coder while every coding event (total,
 * start, size) is re-encoded with the carry-less range encoder RAR's decoder mirrors; decoding that with
 * {@link Ppmd7#initDecoder(BitInput)} must replay the model exactly. restart.7z (order 32, 64 KiB
 * model, 33 KB of text) restarts the model several times. docs/benchmarks/corpus.md (ppmd14) measures
 * the same construction on 26 MB.
 */
class PpmdRarCoderTest {
    /** RAR's encoder: Subbotin's carry-less range coder (32-bit low and range). */
    static final class RarEncoder {
        static final long M = 0xffffffffL, TOP = 1 << 24, BOT = 1 << 15;
        long low, range = M;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        void encode(int start, int size, int total) {
            range = range / total;
            low = (low + start * range) & M;
            range = (range * size) & M;
            while (true) {
                if ((low ^ ((low + range) & M)) >= TOP) {
                    if (range >= BOT) break;
                    range = (-low) & (BOT - 1);
                }
                out.write((int) (low >>> 24));
                low = (low << 8) & M;
                range = (range << 8) & M;
            }
        }

        byte[] finish() {
            for (int i = 0; i < 4; i++) {
                out.write((int) (low >>> 24));
                low = (low << 8) & M;
            }
            return out.toByteArray();
        }
    }

    static byte[] fixture(String name) throws Exception {
        try (InputStream in = PpmdRarCoderTest.class.getResourceAsStream("/dev/bulwark/engine/formats/sevenzip/ppmd/" + name)) {
            return in.readAllBytes();
        }
    }

    /** 7-Zip's range decoder (sevenzip.PpmdStream.Range, package-private there) over {@code packed}. */
    static Ppmd7.RangeDecoder sevenZipCoder(ByteBuffer packed) throws Exception {
        var k = Class.forName("dev.bulwark.engine.formats.sevenzip.PpmdStream$Range").getDeclaredConstructor(ByteBuffer.class);
        k.setAccessible(true);
        return (Ppmd7.RangeDecoder) k.newInstance(packed);
    }

    @Test
    void rarCoderReplaysTheModelOfA7zStream() throws Exception {
        byte[] f = fixture("restart.7z"); // one PPMd folder, packed stream from offset 32 to the next header
        int packSize = (int) ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).getLong(12);
        Ppmd7.RangeDecoder sz = sevenZipCoder(ByteBuffer.wrap(f, 32, packSize).slice());
        RarEncoder enc = new RarEncoder();
        Ppmd7 model = new Ppmd7("7z");
        model.init(64 << 10, 32);
        model.initDecoder(new Ppmd7.RangeDecoder() {
            int total;
            @Override public int threshold(int t) { total = t; return sz.threshold(t); }
            @Override public void decode(int start, int size) { sz.decode(start, size); enc.encode(start, size, total); }
            @Override public int decodeBit(int size0, int totalBits) {
                int bit = sz.decodeBit(size0, totalBits);
                if (bit == 0) enc.encode(0, size0, 1 << totalBits);
                else enc.encode(size0, (1 << totalBits) - size0, 1 << totalBits);
                return bit;
            }
            @Override public long position() { return sz.position(); }
        });
        byte[] expected = rows();
        byte[] viaSevenZip = new byte[expected.length];
        for (int i = 0; i < expected.length; i++) viaSevenZip[i] = (byte) model.decodeChar();
        assertArrayEquals(expected, viaSevenZip);

        byte[] rar = enc.finish();
        Ppmd7 again = new Ppmd7();
        again.init(64 << 10, 32);
        again.initDecoder(new BitInput(ByteBuffer.wrap(rar), 0, rar.length));
        byte[] viaRar = new byte[expected.length];
        for (int i = 0; i < expected.length; i++) viaRar[i] = (byte) again.decodeChar();
        assertArrayEquals(expected, viaRar);
    }

    /** rows.txt of restart.7z: 3000 lines "row i (i*7919 % 1000)". */
    static byte[] rows() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) sb.append("row ").append(i).append(' ').append(i * 7919 % 1000).append('\n');
        return sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

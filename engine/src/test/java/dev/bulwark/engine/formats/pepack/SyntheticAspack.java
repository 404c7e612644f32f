package dev.bulwark.engine.formats.pepack;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small PE32 files packed the way ASPack packs them (the {@link SyntheticPe} shell, ASPack's block stream). */
final class SyntheticAspack {
    private SyntheticAspack() {}

    /** ASPack 2.12 layout: offsets from the .aspack section start (the entry point is one byte in). */
    static final int ASPACK_RVA = 0x2000, ASPACK_RAW = 0x800, ASPACK_BLOCKS = 0x57c, ASPACK_STUFF = 0x6d6,
            ASPACK_MARKER = 0x148, ASPACK_OEP = 0x39b, ASPACK_BLOCK = 0x1000;
    static final byte ASPACK_MARKER_BYTE = 0x42;

    /**
     * ASPack 2.12: .text (raw 0x600 bytes at 0x200) holds one compressed block that decodes to
     * {@code payload} (at most 0x1000 bytes, zero-padded); then the .aspack section with the entry code, the
     * block list, the tables and the original entry point, and an empty .adata section. Calls (E8/E9) in
     * the payload are stored the way the packer stores them.
     */
    static byte[] aspack(byte[] payload, int oep) {
        return aspack(Aspack.Version.V212, payload, oep);
    }

    /** The same for another version's layout; 12-byte block entries get a skipped (size -0x10e) entry before the end. */
    static byte[] aspack(Aspack.Version v, byte[] payload, int oep) {
        byte[] f = new byte[0x1000];
        ByteBuffer o = SyntheticPe.header(f, 3, ASPACK_RVA + 1, 0x4000);
        int opt = 0x58;
        SyntheticPe.section(f, o, opt + 0xe0, ".text", 0x1000, SyntheticPe.TEXT_RVA, 0x600, SyntheticPe.TEXT_RAW);
        SyntheticPe.section(f, o, opt + 0xe0 + 40, ".aspack", 0x1000, ASPACK_RVA, 0x800, ASPACK_RAW);
        SyntheticPe.section(f, o, opt + 0xe0 + 80, ".adata", 0x1000, 0x3000, 0, 0x1000);
        int a = ASPACK_RAW;
        SyntheticPe.put(f, a + 1, "60e803000000e9eb");
        SyntheticPe.put(f, a + 1 + v.pushRet, "6800000000c3");
        o.putInt(a + v.blocks, SyntheticPe.TEXT_RVA);
        o.putInt(a + v.blocks + 4, ASPACK_BLOCK);
        if (v.blockEntry == 12) {
            o.putInt(a + v.blocks + 12, 0x3000);
            o.putInt(a + v.blocks + 16, 0xfffffef2);
        }
        f[a + v.callMarker] = ASPACK_MARKER_BYTE;
        o.putInt(a + v.oep, oep);
        f[a + v.stuff + 0x1c] = 8; // long matches: 9 + an 8-bit extra length; distance slots: no extra bits
        byte[] block = java.util.Arrays.copyOf(payload, ASPACK_BLOCK);
        filterCalls(block);
        byte[] stream = aspackStream(block);
        if (stream.length > 0x600) throw new IllegalArgumentException("payload does not fit");
        System.arraycopy(stream, 0, f, SyntheticPe.TEXT_RAW, stream.length);
        return f;
    }

    /** E8/E9 targets become (target + position) shifted left 8 with the marker in the low byte, as the packer stores them. */
    private static void filterCalls(byte[] b) {
        ByteBuffer o = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.length - 6; i++) {
            if ((b[i] & 0xfe) != 0xe8) continue;
            o.putInt(i + 1, (o.getInt(i + 1) + i) << 8 | (ASPACK_MARKER_BYTE & 0xff));
            i += 4;
        }
    }

    /**
     * One ASPack block: a table set where literals and 256 match symbols all have 9-bit codes (so a
     * symbol is written as its number), the long-length table has two 1-bit codes and the distance
     * low-bit table eight 3-bit ones; code lengths go through a pre-table of four 2-bit codes (for 0, 1,
     * 3 and 9). Matches: distances 1..29 (slot = distance + 2, slot 0 repeats the last one), lengths
     * 2..264.
     */
    static byte[] aspackStream(byte[] data) {
        BitWriter w = new BitWriter();
        w.bits(0, 1);
        int[] pre = new int[19];
        pre[0] = pre[1] = pre[3] = pre[9] = 2;
        for (int l : pre) w.bits(l, 4);
        int[] code = new int[18];
        code[0] = 0;
        code[1] = 1;
        code[3] = 2;
        code[9] = 3;
        for (int c = 0; c < 757; c++) {
            int len = c < 512 ? 9 : c < 721 ? 0 : c < 723 ? 1 : c < 749 ? 0 : 3;
            w.bits(code[len], 2);
        }
        int pos = 0, last = -1;
        while (pos < data.length) {
            int bestLen = 1, bestDist = 0;
            for (int d = 1; d <= 29 && d <= pos; d++) {
                int l = 0;
                while (l < 264 && pos + l < data.length && data[pos + l] == data[pos + l - d]) l++;
                if (l > bestLen) {
                    bestLen = l;
                    bestDist = d;
                }
            }
            if (bestLen < 2) {
                w.bits(data[pos++] & 0xff, 9);
                continue;
            }
            int slot = bestDist == last ? 0 : bestDist + 2;
            last = bestDist;
            w.bits(256 + slot * 8 + Math.min(bestLen, 9) - 2, 9);
            if (bestLen >= 9) {
                w.bits(0, 1);
                w.bits(bestLen - 9, 8);
            }
            pos += bestLen;
        }
        return w.finish();
    }

    /** MSB-first bits. */
    private static final class BitWriter {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int acc, n;

        void bits(int v, int count) {
            for (int i = count - 1; i >= 0; i--) {
                acc = acc << 1 | (v >>> i & 1);
                if (++n == 8) {
                    out.write(acc);
                    acc = n = 0;
                }
            }
        }

        byte[] finish() {
            if (n > 0) bits(0, 8 - n);
            return out.toByteArray();
        }
    }
}

package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * WWPack32: the packer appends a last section whose code starts at the entry point; a table inside it
 * lists compressed regions of the memory image, each decompressed in place. The image is rebuilt as
 * the loader would map it (sections at their RVAs, raw offset = RVA), the packer section dropped and
 * the original entry point restored.
 */
final class WwPack {
    /** Entry code: push ebx; push ebp; mov ebp, eax; xor ebx, ebx; jmp. */
    private static final byte[] EP_HEAD = {0x53, 0x55, (byte) 0x8b, (byte) 0xe8, 0x33, (byte) 0xdb, (byte) 0xeb};
    /** At EP+0x68: call $+5; pop eax; sub eax, 0x6d; push eax; pusha; xor ecx, ecx; push eax; pop eax; push eax; push eax. */
    private static final byte[] EP_BODY = {(byte) 0xe8, 0, 0, 0, 0, 0x58, 0x2d, 0x6d, 0, 0, 0, 0x50, 0x60, 0x33,
            (byte) 0xc9, 0x50, 0x58, 0x50, 0x50};
    private static final int EP_BODY_AT = 0x68;
    /** Region table offset in the packer section, and the size of one entry (4 dwords and a "more" flag). */
    private static final int TABLE = 0x2a1, ENTRY = 17;
    /** Offset of the original entry point's delta in the packer section. */
    private static final int OEP = 0x295;
    /** Regions per file: more means a table that loops on itself. */
    private static final int MAX_REGIONS = 256;
    /** Short-copy distance value that ends a region's stream. */
    private static final int END = 0x1ff;
    /** Indices into {@link PeHeaders#clamView}. */
    private static final int RVA = 0, VSIZE = 1, RAW = 2, RSIZE = 3;

    private WwPack() {}

    static boolean matches(ByteBuffer file, PeHeaders h) {
        int last = h.sections() - 1;
        if (last < 1 || h.entryRva != h.clamView(last, file.limit())[RVA]) return false;
        long ep = h.rvaToOffset(h.entryRva);
        if (ep < 0 || ep + EP_BODY_AT + EP_BODY.length > file.limit()) return false;
        return equalAt(file, (int) ep, EP_HEAD) && equalAt(file, (int) ep + EP_BODY_AT, EP_BODY);
    }

    /** The rebuilt image, or null with nothing decoded when the file does not unpack. */
    static byte[] unpack(ByteBuffer file, PeHeaders h, long budget) {
        int last = h.sections() - 1;
        long[][] v = new long[h.sections()][];
        for (int i = 0; i <= last; i++) v[i] = h.clamView(i, file.limit());
        long head = v[last][RAW], size = 0;
        for (int i = 0; i < last; i++) {
            head = Math.min(head, v[i][RAW]);
            size = Math.max(size, v[i][RVA] + v[i][VSIZE]);
        }
        if (head == 0 || size == 0 || head > size || size > budget || head > file.limit()) return null;
        byte[] img = new byte[(int) size];
        file.get(0, img, 0, (int) head);
        for (int i = 0; i < last; i++) {
            long rs = v[i][RSIZE], rp = v[i][RAW], rva = v[i][RVA];
            if (rs == 0) continue;
            if (rva + rs > size || rp + rs > file.limit()) return null;
            file.get((int) rp, img, (int) rva, (int) rs);
        }
        long packRaw = v[last][RAW], packSize = v[last][RSIZE];
        if (packSize == 0 || packRaw + packSize > file.limit()) return null;
        ByteBuffer pack = file.slice((int) packRaw, (int) packSize).order(ByteOrder.LITTLE_ENDIAN);
        long packRva = v[last][RVA];
        int t = TABLE;
        for (int region = 0; region < MAX_REGIONS; region++) {
            if (t + ENTRY > pack.limit()) return null;
            long src = packRva - (pack.getInt(t) & 0xffffffffL);
            long bytes = (pack.getInt(t + 8) & 0xffffffffL) * 4;
            long end = pack.getInt(t + 12) & 0xffffffffL;
            long at = src + end + 4 - bytes;
            if (bytes == 0 || at < 0 || at + bytes > size) return null;
            byte[] packed = java.util.Arrays.copyOfRange(img, (int) at, (int) (at + bytes));
            java.util.Arrays.fill(img, (int) at, (int) (at + bytes), (byte) 0xff);
            if (!new Region(packed, img, (int) at).decode()) return null;
            if (pack.get(t + 16) == 0) break;
            t += ENTRY;
        }
        return fixHeaders(img, h, v, pack, packRva) ? img : null;
    }

    private static boolean fixHeaders(byte[] img, PeHeaders h, long[][] v, ByteBuffer pack, long packRva) {
        int last = h.sections() - 1;
        int pe = h.peOffset;
        int table = h.sectionTable();
        if (OEP + 4 > pack.limit() || table + (last + 1) * PeHeaders.SECTION_HEADER > img.length) return false;
        ByteBuffer o = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        o.putShort(pe + 6, (short) last);
        o.putInt(pe + 24 + 16, (int) (pack.getInt(OEP) + packRva + OEP + 4));
        o.putInt(pe + 24 + 56, (int) (h.sizeOfImage - v[last][VSIZE]));
        for (int i = 0; i < last; i++) { // the image is laid out by RVA: raw offset = RVA, raw size = virtual size
            int s = table + i * PeHeaders.SECTION_HEADER;
            o.putInt(s + 8, (int) v[i][VSIZE]);
            o.putInt(s + 12, (int) v[i][RVA]);
            o.putInt(s + 16, (int) v[i][VSIZE]);
            o.putInt(s + 20, (int) v[i][RVA]);
        }
        java.util.Arrays.fill(img, table + last * PeHeaders.SECTION_HEADER, table + (last + 1) * PeHeaders.SECTION_HEADER, (byte) 0);
        return true;
    }

    private static boolean equalAt(ByteBuffer b, int off, byte[] p) {
        for (int i = 0; i < p.length; i++) if (b.get(off + i) != p[i]) return false;
        return true;
    }

    /**
     * One region's stream: flag bits (MSB first from little-endian dwords) interleaved with literal
     * bytes. 0 = literal; then two bits pick a 2-byte copy (3) or a longer copy whose length is the
     * value + 2 (1, 2) or coded after the distance (0). Distances use size classes with fixed bases.
     */
    private static final class Region {
        private final byte[] in, out;
        private int ip, op, word, bitsLeft;
        private boolean failed;

        Region(byte[] in, byte[] out, int start) {
            this.in = in;
            this.out = out;
            this.op = start;
        }

        private boolean refill() {
            if (ip + 4 > in.length) return false;
            word = (in[ip] & 0xff) | (in[ip + 1] & 0xff) << 8 | (in[ip + 2] & 0xff) << 16 | (in[ip + 3] & 0xff) << 24;
            ip += 4;
            bitsLeft = 32;
            return true;
        }

        boolean decode() {
            if (!refill()) return false;
            while (!failed) {
                if (bits(1) == 0) {
                    if (failed || ip >= in.length || op >= out.length) return false;
                    out[op++] = in[ip++];
                    continue;
                }
                int kind = bits(2);
                if (kind == 3) {
                    int k = bits(2);
                    int width = k + 5 + (k >= 2 ? 1 : 0);
                    int base = (1 << width) - (k >= 2 ? 31 + 0x80 : 31);
                    int v = bits(width);
                    if (failed) return false;
                    if (v == END) return true;
                    if (!copy(base + v, 2)) return false;
                    continue;
                }
                int dist = distance();
                int len = kind == 0 ? length() : kind + 2;
                if (failed || !copy(dist, len)) return false;
            }
            return false;
        }

        private int distance() {
            int c = bits(3);
            if (c == 6) return bits(14) + 0x1fe1;
            if (c == 7) return bits(15) + 0x5fe1;
            int width = switch (c) {
                case 3 -> 8 + bits(1);
                case 4 -> 10 + bits(1);
                case 5 -> 12;
                default -> c + 5;
            };
            return bits(width) + (1 << width) - 31;
        }

        private int length() {
            if (bits(1) == 0) return bits(1) + 5;
            int v = bits(3);
            if (v != 0) return v + 6;
            v = bits(4);
            if (v != 0) return v + 13;
            int width = 4, base = 0x0d;
            while (true) {
                if (width == 7) {
                    width = 14;
                    base = 0;
                    break;
                }
                base = ((base + 2) << 1) - 1;
                width++;
                if (bits(1) != 0 || failed) break;
            }
            return bits(width) + base;
        }

        private boolean copy(int dist, int len) {
            if (dist <= 0 || dist > op || len > out.length - op) return false;
            for (int i = 0; i < len; i++, op++) out[op] = out[op - dist];
            return true;
        }

        /**
         * The unpacker refills its bit buffer as soon as the last bit is taken, before any literal
         * byte that follows: the refill position matters, so it is done eagerly here too.
         */
        private int bits(int n) {
            int v = 0;
            for (int i = 0; i < n; i++) {
                if (bitsLeft == 0 && !refill()) {
                    failed = true;
                    return 0;
                }
                v = v << 1 | word >>> 31;
                word <<= 1;
                if (--bitsLeft == 0) refill();
            }
            return v;
        }
    }
}

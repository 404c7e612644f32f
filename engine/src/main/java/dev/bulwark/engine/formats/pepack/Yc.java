package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * yoda's Crypter (yC 1.x): a last section whose code, at RVA + 0x60, decrypts itself and then every
 * other section byte by byte with a small generated ("polymorphic") routine of 8-bit ALU operations
 * on AL and CL. The routines are interpreted here over the file bytes; the result is the file without
 * the yC section, with the original entry point and without the import directory (yC rebuilt it).
 * Opcode coverage and quirks follow ClamAV's yC emulator so that both see the same bytes.
 */
final class Yc {
    /** The routine occupies this many bytes; the interpreter never runs outside them. */
    private static final int ROUTINE = 0x30;
    /** Backward or looping jumps inside one routine: bounded so that a hostile routine cannot hang. */
    private static final int MAX_JUMPS = 64;
    private static final int EP_DELTA = 0x60;
    /** Offsets inside the yC section (from its raw start plus the variant's shift). */
    private static final int LAYER1_ROUTINE = 0x93, LAYER1_CODE = 0xc6, LAYER2_ROUTINE = 0x457, LAYER2_ROUTINE_MOD = 0x3ea,
            OEP = 0xa0f;
    private static final int MIN_ECX = 0x800, MAX_ECX = 0x2000;
    /** Section name prefixes yC leaves unencrypted: rsrc, .rsr, relo, .rel, .eda, .rda, .ida, .tls. */
    private static final int[] PLAIN = {0x63727372, 0x7273722e, 0x6f6c6572, 0x6c65722e, 0x6164652e, 0x6164722e, 0x6164692e,
            0x736c742e};

    private Yc() {}

    /** The variant's shift and the length of its first layer, or null when the entry code is not yC's. */
    private record Variant(int shift, int ecx) {}

    static boolean matches(ByteBuffer file, PeHeaders h) {
        return variant(file, h) != null;
    }

    private static Variant variant(ByteBuffer file, PeHeaders h) {
        int last = h.sections() - 1;
        if (last < 1) return null;
        long[] y = h.clamView(last, file.limit());
        if (h.entryRva != y[0] + EP_DELTA) return null;
        long ep = h.rvaToOffset(h.entryRva);
        if (ep < 0 || ep + 0x80 > file.limit()) return null;
        ByteBuffer e = file.slice((int) ep, 0x80).order(ByteOrder.LITTLE_ENDIAN);
        int shift = 0, ecx = 0;
        if (eq(e, 0, "558bec535657 60e8000000005d81ed") && eq(e, 0x26, "8d3a8bf733c0eb0490eb01c2ac") && (e.get(0x13) & 0xff) == 0xb9
                && (e.getShort(0x18) & 0xffff) == 0xe981 && eq(e, 0x1e, "8bd581c2")) {
            if (0x6c - e.getInt(0xf) + e.getInt(0x22) == 0xc6) ecx = e.getInt(0x14) - e.getInt(0x1a);
        }
        if (ecx == 0 && eq(e, 0, "558bec83ec40535657") && eq(e, 0x17, "e8000000005d81ed") && (e.get(0x23) & 0xff) == 0xb9) {
            shift = 0x10;
            if (0x6c - e.getInt(0x1f) + e.getInt(0x32) == 0xc6) ecx = e.getInt(0x24) - e.getInt(0x2a);
        }
        if (ecx == 0 && eq(e, 0, "60e8000000005d81ed") && (e.get(0xd) & 0xff) == 0xb9 && (e.getShort(0x12) & 0xffff) == 0xbd8d
                && eq(e, 0x18, "8bf7ac")) {
            shift = -0x18;
            if (0x66 - e.getInt(0x9) + e.getInt(0x14) == 0xae) ecx = e.getInt(0xe);
        }
        if (ecx <= MIN_ECX || ecx >= MAX_ECX || !eq(e, 0x63 + shift, "aae2cc")) return null;
        if (file.limit() < y[2] + LAYER1_CODE + ecx + shift) return null;
        return new Variant(shift, ecx);
    }

    /** The decrypted file, or null when a routine uses an instruction outside the known set or runs off the file. */
    static byte[] unpack(ByteBuffer file, PeHeaders h) {
        Variant v = variant(file, h);
        if (v == null) return null;
        int last = h.sections() - 1;
        byte[] f = new byte[file.limit()];
        file.get(0, f);
        long[] y = h.clamView(last, f.length);
        long yc = y[2] + v.shift;
        if (!run(f, yc + LAYER1_ROUTINE, yc + LAYER1_CODE, v.ecx, v.ecx)) return null;
        long size = f.length - ursz(h, last, f.length);
        long routine2 = yc + (v.shift == -0x18 ? LAYER2_ROUTINE_MOD : LAYER2_ROUTINE);
        for (int i = 0; i < last; i++) {
            long[] s = h.clamView(i, f.length);
            if (s[2] == 0 || s[3] == 0 || plain(f, h, i)) continue;
            long limit = size - s[2];
            if (limit < 0) return null;
            if (!run(f, routine2, s[2], ursz(h, i, f.length), limit)) return null;
        }
        ByteBuffer o = ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN);
        int opt = h.peOffset + 24;
        if (yc + OEP + 4 > f.length || yc < 0) return null;
        o.putShort(h.peOffset + 6, (short) last);
        o.putLong(opt + 0x68, 0); // import directory
        o.putInt(opt + 16, o.getInt((int) (yc + OEP)));
        o.putInt(opt + 56, (int) (h.sizeOfImage - y[1]));
        return java.util.Arrays.copyOf(f, (int) size);
    }

    /** The declared raw size clipped to the file (what the yC code itself walks). */
    private static long ursz(PeHeaders h, int i, long fileSize) {
        long p = h.rawPointer(i);
        return p >= fileSize ? 0 : Math.min(h.rawSize(i), fileSize - p);
    }

    private static boolean plain(byte[] f, PeHeaders h, int i) {
        int at = h.sectionTable() + i * PeHeaders.SECTION_HEADER;
        int name = (f[at] & 0xff) | (f[at + 1] & 0xff) << 8 | (f[at + 2] & 0xff) << 16 | (f[at + 3] & 0xff) << 24;
        for (int p : PLAIN) if (name == p) return true;
        return (name & 0xffff) == 0x4379; // "yC"
    }

    /**
     * Decrypts {@code count} bytes at {@code code} (at most {@code limit}) with the routine at
     * {@code routine}; CL starts as the low byte of the count and decreases per byte.
     */
    private static boolean run(byte[] f, long routine, long code, long count, long limit) {
        long n = Math.min(count, limit);
        if (routine < 0 || routine + ROUTINE + 2 > f.length || code < 0 || code + n > f.length) return false;
        int r = (int) routine;
        int cl = (int) (count & 0xff);
        for (int i = 0; i < n; i++) {
            int al = f[(int) code + i] & 0xff;
            int jumps = 0;
            for (int j = 0; j >= 0 && j < ROUTINE; j++) {
                int op = f[r + j] & 0xff;
                switch (op) {
                    case 0xeb -> { // jmp short
                        if (++jumps > MAX_JUMPS) return false;
                        j++;
                        j += f[r + j];
                    }
                    case 0xfe -> { al = (al - 1) & 0xff; j++; }        // dec al
                    case 0x2a -> { al = (al - cl) & 0xff; j++; }       // sub al, cl
                    case 0x02 -> { al = (al + cl) & 0xff; j++; }       // add al, cl
                    case 0x32 -> { al ^= cl; j++; }                    // xor al, cl
                    case 0x04 -> al = (al + f[r + ++j]) & 0xff;        // add al, imm8
                    case 0x34 -> al = (al ^ f[r + ++j]) & 0xff;        // xor al, imm8
                    case 0x2c -> al = (al - f[r + ++j]) & 0xff;        // sub al, imm8
                    case 0xc0 -> {                                     // rol/ror al, imm8
                        boolean left = (f[r + ++j] & 0xff) == 0xc0;
                        int k = f[r + ++j] & 7;
                        al = left ? rol(al, k) : rol(al, (8 - k) & 7);
                    }
                    case 0xd2 -> {                                     // ror/rol al, cl (skips one more byte, as ClamAV does)
                        boolean right = (f[r + ++j] & 0xff) == 0xc8;
                        j++;
                        int k = cl & 7;
                        al = right ? rol(al, (8 - k) & 7) : rol(al, k);
                    }
                    case 0x90, 0xf8, 0xf9 -> { }                       // nop, clc, stc
                    default -> { return false; }
                }
            }
            cl = (cl - 1) & 0xff;
            f[(int) code + i] = (byte) al;
        }
        return true;
    }

    private static int rol(int v, int k) {
        return ((v << k) | (v >>> ((8 - k) & 7))) & 0xff;
    }

    private static boolean eq(ByteBuffer b, int off, String hex) {
        byte[] p = java.util.HexFormat.of().parseHex(hex.replace(" ", ""));
        if (off < 0 || off + p.length > b.limit()) return false;
        for (int i = 0; i < p.length; i++) if (b.get(off + i) != p[i]) return false;
        return true;
    }
}

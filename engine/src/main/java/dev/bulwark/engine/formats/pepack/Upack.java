package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;

/**
 * Upack (0.39 and its relatives, up to 1.2): an LZMA packer whose stub and parameters hide inside
 * the PE header. The memory image is laid out from the file as the loader would (a 3-section file
 * marked by a 0x148-byte optional header, or a 2-section file with an empty first section); the
 * stub's code is then followed, jump by jump, to its LZMA parameters (literal context bits, the size
 * of the probability block, where the range coder's state and input are); the data is decoded with
 * the range coder shared with MEW ({@link Lzma}, 32-bit probabilities here) and the E8/E9 call
 * filter undone. The image is rebuilt as ClamAV rebuilds it: one section, the original entry point.
 * Which files are accepted, and every bound, follow ClamAV's unpacker so both see the same bytes.
 */
final class Upack {
    private static final long M = 0xffffffffL;
    /** ClamAV reads this much entry code and stops looking at a PE with less. */
    private static final int EP_READ = 4096, EP_MIN = 168;
    /** The optional header size that marks a 3-section Upack file. */
    private static final int UPACK_OPT = 0x148;
    /** 3-section stub generations, told apart by their code: 0.39 and two other builds (named after samples). */
    private static final int V399 = 0, V0151477 = 2, V0297729 = 3;

    private Upack() {}

    private record Found(boolean three, byte[] ep, long epOffset) {}

    private static Found find(ByteBuffer file, PeHeaders h, ClamSections l) {
        if (h.is64 || l == null) return null;
        long ep = l.rawAddress(h.entryRva);
        if (ep < 0 || file.limit() - ep < EP_MIN) return null;
        byte[] e = new byte[(int) Math.min(EP_READ, file.limit() - ep)];
        file.get((int) ep, e);
        long base = h.imageBase & M, min = l.minRva(), esi = Lzma.le32u(e, 1);
        boolean three = h.optSize == UPACK_OPT;
        int n = l.count();
        boolean empty = n == 2 && l.rsize(0) == 0 && l.vsize(0) != 0
                && l.rsize(1) != 0 && l.vsize(1) != 0;
        boolean movEsi = (e[0] & 0xff) == 0xbe;
        if (three && n == 3 && movEsi && ((esi - base) & M) > min
                && ((e[5] & 0xff) == 0xad && e[6] == 0x50 || (e[5] & 0xff) == 0xff && e[6] == 0x36)) {
            return new Found(true, e, ep);
        }
        if (!three && empty && ((e[0] & 0xff) == 0x60 && (e[1] & 0xff) == 0xe8 && Lzma.le32(e, 2) == 9
                || movEsi && ((esi - base) & M) < min && (int) esi > (int) base && (e[5] & 0xff) == 0xad
                && (e[6] & 0xff) == 0x8b && (e[7] & 0xff) == 0xf8)) {
            return new Found(false, e, ep);
        }
        return null;
    }

    static boolean matches(ByteBuffer file, PeHeaders h) {
        return find(file, h, ClamSections.of(file, h)) != null;
    }

    /** The rebuilt image, or null when the stub or its data do not unpack. */
    static byte[] unpack(ByteBuffer file, PeHeaders h, long budget) {
        ClamSections l = ClamSections.of(file, h);
        Found f = find(file, h, l);
        if (f == null) return null;
        long base = h.imageBase & M;
        long rva0 = l.rva(0), rva1 = l.rva(1);
        long uraw1 = l.uraw(1), ursz1 = l.ursize(1);
        long c = f.three ? l.vsize(2) : rva1;
        long ssize = f.three ? l.ursize(0) + l.uraw(0) : uraw1;
        long off = f.three ? rva0 : 0;
        long vma = (f.three ? base + rva0 : rva1 - uraw1) & M;
        long dsize = (l.vsize(0) + l.vsize(1) + c) & M;
        if (Math.max(Math.max(dsize, ssize), ursz1) > budget) return null;
        long at1 = (rva1 - off) & M, at2 = f.three ? (l.rva(2) - rva0) & M : 0;
        if (!in0(dsize, at1, ursz1) || f.three && !in0(dsize, at2, ssize) || ssize > dsize) return null;
        if (ssize > file.limit() || uraw1 + ursz1 > file.limit()) return null;
        byte[] d = new byte[(int) dsize];
        file.get(0, d, 0, (int) ssize);
        if (f.three) System.arraycopy(d, 0, d, (int) at2, (int) ssize);
        file.get((int) uraw1, d, (int) at1, (int) ursz1);
        Plan p = f.three ? threeSections(d, f.ep, vma, f.epOffset, base) : twoSections(d, f.ep, vma, f.epOffset, base);
        if (p == null || p.out > p.end || !decode(d, p.ebx, p.out, p.end, p.shift, p.input)) return null;
        long calls = p.calls;
        if (p.callsAt >= 0) { // read after decoding, as the stub does
            if (!Lzma.in(d, p.callsAt, 4)) return null;
            calls = Lzma.le32u(d, (int) p.callsAt);
        }
        if (!unfilter(d, p.alv, p.out, calls)) return null;
        long size = (p.end - p.out) & M;
        long from = f.three ? 0 : rva0; // ClamAV rebuilds from the image start (3 sections) or from the first RVA
        if (from + size > d.length) return null;
        RebuiltPe.Section[] image = {new RebuiltPe.Section(rva0, size, from, size)};
        return RebuiltPe.build(d, image, base, p.oep, 0, 0, budget);
    }

    /**
     * What a stub's parameters say: the original entry point, where the coder's state and probabilities
     * are ({@code ebx}), the output range, the literal context shift, the input, the call filter's
     * marker byte ({@code alv}) and its count of calls (or where to read that count after decoding).
     */
    private record Plan(long oep, long ebx, long out, long end, int shift, long input, long alv, long calls, long callsAt) {}

    /** Follows the 3-section stub to its parameters and sets up the coder. */
    private static Plan threeSections(byte[] d, byte[] eb, long vma, long ep, long base) {
        int version = (eb[5] & 0xff) == 0xff && eb[6] == 0x36 ? V0297729 : V399;
        long esi = (Lzma.le32u(eb, 1) - vma) & M;
        if (!Lzma.in(d, esi, 12)) return null;
        long oep = (Lzma.le32u(d, (int) esi) - vma) & M;
        esi += 8;
        long edi = 0, alv;
        int far;
        if (version == V399) {
            edi = (Lzma.le32u(d, (int) esi) - vma) & M;
            if (!Lzma.in(d, ep + 0xa, 2) || (d[(int) ep + 0xa] & 0xff) != 0xeb) return null;
            esi = d[(int) ep + 0xb] + ep + 0xc; // a signed short jump
            alv = esi + 0x1a;
            if (!Lzma.in(d, alv, 2) || (d[(int) alv] & 0xff) != 0xeb) return null;
            alv++;
            alv += (d[(int) alv] & 0xff) + 1 + 0xa;
            far = 8;
        } else {
            if (!Lzma.in(d, ep + 7, 5) || (d[(int) ep + 7] & 0xff) != 0xe9) return null;
            esi = Lzma.le32(d, (int) ep + 8) + ep + 0xc;
            alv = esi + 0x25;
            far = 10;
        }
        if (!Lzma.in(d, alv, 2) || (d[(int) alv] & 0xff) != 0xb5) return null; // mov ch, count
        alv++;
        int count = d[(int) alv] & 0xff;
        if (!Lzma.in(d, alv, far + 5) || (d[(int) (alv + far)] & 0xff) != 0xe9) return null;
        long head = Lzma.le32u(d, (int) (alv + far + 1)); // the long jump to the decoder's head
        head = version == V399 ? (head + esi + d[(int) esi + 0x1b] + 0x1c + 0x18) & M : (head + esi + 0x35) & M;
        alv = head + 43;
        int jump = 8, shr = 24;
        if (!Lzma.in(d, alv - 1, 2) || (d[(int) alv - 1] & 0xff) != 0xe3) { // jecxz
            alv = head + 46;
            if (!Lzma.in(d, alv - 1, 2) || (d[(int) alv - 1] & 0xff) != 0xe3) return null;
            if (version != V0297729) version = V0151477;
            jump = 7;
            shr = 26;
        }
        alv += (d[(int) alv] & 0xff) + 1;
        if (!Lzma.in(d, alv, jump + 5) || (d[(int) (alv + jump)] & 0xff) != 0xe9) return null;
        alv += (Lzma.le32u(d, (int) (alv + jump + 1)) + jump + 1 + 4 + 27) & M; // the call filter's "cmp al, xx"
        if (version == V0297729) alv += 2;
        if (!Lzma.in(d, head + shr, 3) || !is(d, head + shr, 0xc1) || !is(d, head + shr + 1, 0xed)) return null; // shr ebp, 8 - lc
        int shift = d[(int) (head + shr + 2)] & 0xff;
        count *= 0x100;
        if (shift < 2 || shift > 8) return null;
        int words;
        if (version == V0297729) {
            if (!Lzma.in(d, esi + 6, 10) || !is(d, esi + 6, 0xbe) || !is(d, esi + 11, 0xbf)) return null; // mov esi; mov edi
            long src = Lzma.le32u(d, (int) esi + 7);
            if (src < base || src > vma) return null;
            edi = (Lzma.le32u(d, (int) esi + 12) - vma) & M;
            esi = (src - base) & M;
            words = 0x16;
            if (!Lzma.in(d, edi, 0x58 + 24 + 4L * count) || !Lzma.in(d, esi, 0x58 + 0x64 + 4)) return null;
        } else {
            if (!Lzma.in(d, esi + 7, 5) || (d[(int) esi + 7] & 0xff) != 0xbe) return null;
            esi = (Lzma.le32u(d, (int) esi + 8) - vma) & M;
            words = 0x27;
            if (!Lzma.in(d, edi, 0x9c + 24 + 4L * count) || !Lzma.in(d, esi, 0x9c + 0x34 + 4)) return null;
        }
        for (int j = 0; j < words; j++, esi += 4, edi += 4) put32(d, edi, Lzma.le32(d, (int) esi)); // may overlap: in order
        long calls = Lzma.le32u(d, (int) esi + 4);
        long input = Lzma.le32u(d, (int) edi - 4) - vma;
        long ebx = edi;
        init(d, ebx, count);
        long out = version == V0297729 ? vma - base : Lzma.le32(d, (int) esi + 0xc) - vma;
        long end;
        if (version == V0297729) {
            end = Lzma.le32(d, (int) esi + 0x64) - vma;
            calls = Lzma.le32u(d, (int) esi + 0x40);
        } else end = Lzma.le32(d, (int) esi + 0x34) - vma;
        return new Plan(oep, ebx, out, end, shift, input, alv, calls, -1);
    }

    /**
     * The 2-section layouts (0.39 with "pusha; call", and 1.1/1.2 with "mov esi; lodsd; mov edi, eax"):
     * parameters at fixed offsets from the entry code, the coder's state built from tables in the image.
     */
    private static Plan twoSections(byte[] d, byte[] eb, long vma, long ep, long base) {
        boolean v11 = (eb[0] & 0xff) == 0xbe && (eb[5] & 0xff) == 0xad && (eb[6] & 0xff) == 0x8b && (eb[7] & 0xff) == 0xf8;
        long code = vma + ep;
        int jmp = v11 ? 0x1a4 : 0x217, stosd = v11 ? 0x1b : 0x3a, lcAt = v11 ? 0x41 : 0x5f;
        long alv = code + (v11 ? 0x184 : 0x1c1);
        if (!Lzma.in(d, code, jmp + 4)) return null;
        long oep = (code + jmp + 4 + Lzma.le32(d, (int) (code + jmp))) & M;
        int count = d[(int) (code + stosd)] & 0xff;
        int shift = 8 - (d[(int) (code + lcAt)] & 0xff);
        if (shift < 2 || shift > 8) return null;
        count *= 0x100;
        long ebx, out, end, input, callsAt;
        if (!v11) {
            long esi = code + 4;
            long n = Lzma.le32u(d, (int) esi + 2);
            put32(d, esi + 2, 0);
            if (n == 0) return null;
            esi -= (n - 2) & M;
            if (!Lzma.in(d, esi, 12)) return null;
            long delta = (esi - (Lzma.le32(d, (int) esi) - base)) & M;
            esi += 4;
            long tables = Lzma.le32(d, (int) esi) - base, edi = tables;
            esi += 4;
            int words = Lzma.le32(d, (int) esi);
            esi += 4;
            if (words < 0 || ((long) count + words) * 4 > M) return null;
            if (!Lzma.in(d, esi, 4L * words) || !Lzma.in(d, edi, 4L * (words + count))) return null;
            for (int j = 0; j < words; j++, edi += 4, esi += 4) put32(d, edi, Lzma.le32(d, (int) esi));
            if (!Lzma.in(d, tables, 8)) return null;
            long loops = Lzma.le32u(d, (int) tables);
            long list = tables + 4;
            long steps = loops == 0 ? 1L << 32 : loops, step = delta + 4; // the stub steps over that many entries
            if (steps > d.length / step + 1) return null; // far past the image: the check below would fail too
            esi = list + steps * step;
            if (!Lzma.in(d, esi, 4)) return null;
            int half = Lzma.le32(d, (int) esi);
            esi += 4;
            for (int j = 0; j < count; j++, edi += 4) put32(d, edi, half);
            if (!Lzma.in(d, esi + 0x10, 4)) return null;
            put32(d, esi + 0x10, (int) (Lzma.le32u(d, (int) esi + 0x10) + delta));
            ebx = esi + 0x14;
            out = Lzma.le32u(d, (int) list) - base;
            esi = list + 4;
            if (!Lzma.in(d, ebx - 4, 12 + 16) || !Lzma.in(d, esi + 0x24, 4) || !Lzma.in(d, esi + 0x40, 4)) return null;
            input = Lzma.le32(d, (int) ebx - 4) - base;
            end = Lzma.le32(d, (int) esi + 0x24) - base;
            int range = Lzma.le32(d, (int) ebx); // the stub keeps range and low in the other order
            put32(d, ebx, Lzma.le32(d, (int) ebx + 4));
            put32(d, ebx + 4, range);
            callsAt = esi + 0x40;
        } else {
            if (!Lzma.in(d, 0x130, 4) || !Lzma.in(d, 0x148, 12)) return null;
            long table = Lzma.le32(d, 0x148) - base;
            input = Lzma.le32u(d, 0x14c) - base;
            ebx = table + 4;
            if (((long) count + 6) * 4 > M || !Lzma.in(d, ebx, 4L * (6 + count))) return null;
            init(d, ebx, count);
            out = Lzma.le32(d, 0x150) - base;
            end = Lzma.le32(d, 0x130) - base;
            callsAt = code + 0x174;
        }
        return new Plan(oep, ebx, out, end, shift, input, alv, 0, callsAt);
    }

    /** The coder's state (range all ones, low 0, the four distances 1) and {@code count} probabilities at one half. */
    private static void init(byte[] d, long ebx, int count) {
        put32(d, ebx, -1);
        put32(d, ebx + 4, 0);
        for (int j = 0; j < 4; j++) put32(d, ebx + 8 + 4L * j, 1);
        for (int j = 0; j < count; j++) put32(d, ebx + 24 + 4L * j, 0x400);
    }

    /**
     * Undoes the call filter: {@code calls} E8/E9 operands whose low byte is the stub's marker were
     * stored big-endian and absolute (marker in the low byte); they become relative again.
     */
    private static boolean unfilter(byte[] d, long alv, long at, long calls) {
        if (!Lzma.in(d, alv, 1)) return false;
        int marker = d[(int) alv] & 0xff;
        long i = 0;
        while (calls != 0) {
            if (!Lzma.in(d, at + i, 1)) return false;
            int op = d[(int) (at + i)] & 0xff;
            i++;
            if (op != 0xe8 && op != 0xe9) continue;
            long adr = at + i;
            if (!Lzma.in(d, adr, 4)) return false;
            int v = Lzma.le32(d, (int) adr);
            if ((v & 0xff) != marker) continue;
            put32(d, adr, Integer.reverseBytes(v & 0xffffff00) - (int) i - 4);
            i += 4;
            calls--;
        }
        return true;
    }

    /**
     * Upack's LZMA loop (lc from {@code shift}, lp = pb = 0): probabilities and distances at {@code ebx},
     * input at {@code input}, output from {@code out} to {@code end}, all in {@code d}.
     */
    private static boolean decode(byte[] d, long ebx, long out, long end, int shift, long input) {
        if (!Lzma.in(d, ebx, 24)) return false;
        Lzma rc = Lzma.upack(d, input, Lzma.le32(d, (int) ebx), Lzma.le32(d, (int) ebx + 4));
        long r0 = Lzma.le32u(d, (int) ebx + 8), r1 = Lzma.le32u(d, (int) ebx + 12);
        long r2 = Lzma.le32u(d, (int) ebx + 16), r3 = Lzma.le32u(d, (int) ebx + 20);
        int state = 0;
        boolean matched = false;
        long start = out;
        do {
            long isMatch = ebx + 0x58 + 4L * state;
            int next;
            if (rc.bit(isMatch) == 1) {
                state = state >= 7 ? 11 : 8;
                long dist;
                long len;
                if (rc.bit(isMatch + 0x30) == 0) { // a new distance
                    state--;
                    r3 = r2;
                    r2 = r1;
                    r1 = r0;
                    len = length(rc, ebx + 0xbc0);
                    long lenState = Math.min(len - 1 & M, 3);
                    int slot = rc.tree(ebx + 0x378 + lenState * 0x100, 1, 0x40, 4);
                    dist = slot;
                    if ((slot & 0xff) >= 4) {
                        int n = (slot >>> 1) - 1;
                        int e = (2 + (slot & 1)) << n;
                        long probs = ebx + ((4L * e) & M) + 0x178;
                        if (n > 5) {
                            e += rc.direct(n - 4) << 4;
                            n = 4;
                            probs = ebx + 0x18;
                        }
                        int v = rc.tree(probs, 1, 1 << n, 4), rev = 0;
                        for (int k = 0; k < n; k++, v >>>= 1) rev = rev << 1 | (v & 1);
                        e += rev;
                        dist = e & M;
                    }
                    dist = (dist + 1) & M;
                } else {
                    if (rc.bit(isMatch + 0x60) == 1) {
                        if (rc.bit(isMatch + 0xc0) == 1) {
                            int g2 = rc.bit(isMatch + 0xf0);
                            dist = r2;
                            r2 = r1;
                            r1 = r0;
                            if (g2 == 1) {
                                long t = dist;
                                dist = r3;
                                r3 = t;
                            }
                        } else {
                            dist = r1;
                            r1 = r0;
                        }
                    } else if (rc.bit(isMatch + 0x90) == 0) { // one byte at the last distance
                        state |= 1;
                        matched = true;
                        long from = out - r0;
                        if (rc.failed || !Lzma.in(d, from, 1) || !Lzma.in(d, out, 1)) return false;
                        d[(int) out] = d[(int) from];
                        out++;
                        continue;
                    } else dist = r0;
                    len = length(rc, ebx + 0x778);
                }
                if (rc.failed || !Lzma.in(d, out, len) || !Lzma.in(d, out - dist, len + 1)) return false;
                r0 = dist;
                for (long k = 0; k < len; k++, out++) d[(int) out] = d[(int) (out - dist)];
                next = d[(int) (out - dist)] & 0xff;
                matched = true;
            } else {
                state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
                int ctx = out > start && out < d.length ? (d[(int) out - 1] & 0xff) >> shift : 0;
                long lit = ebx + 0x1008 + ctx * 0xc00L;
                if (matched) {
                    long m = out - r0;
                    if (!Lzma.in(d, m, 1)) return false;
                    next = literalMatched(rc, lit, d[(int) m] & 0xff);
                } else next = rc.tree(lit, 1, 0x100, 4);
                matched = false;
                if (rc.failed) return false;
            }
            if (!Lzma.in(d, out, 1)) return false;
            d[(int) out++] = (byte) next;
        } while (out < end);
        return true;
    }

    /** A literal coded against the byte at the last distance, bit by bit until the first difference. */
    private static int literalMatched(Lzma rc, long lit, int matchByte) {
        int al = 1;
        for (int mask = 0x80; ; ) {
            int ah = (matchByte & mask) != 0 ? 2 : 1;
            al = (al << 1 | rc.bit(lit + 4L * (ah << 8 | al))) & 0xff;
            mask >>= 1;
            if (mask == 0) return al;
            if (((ah - al) & 1) == 0) return rc.tree(lit, al, 0x100, 4);
        }
    }

    /** Match length, from 1: 3 bits (1-8), 3 bits (9-16) or 8 bits (17-272); no position states. */
    private static long length(Lzma rc, long base) {
        int first = 1, limit = 8;
        if (rc.bit(base) == 1) {
            first = 9;
            if (rc.bit(base + 4) == 1) {
                first = 0x11;
                limit = 0x100;
            }
        }
        return (first + rc.tree(base + 4 + 4L * first, 1, limit, 4)) & M;
    }

    /** ClamAV's containment test for an offset range inside a buffer of {@code size} bytes starting at 0. */
    private static boolean in0(long size, long at, long len) {
        return size > 0 && len > 0 && len <= size && at + len <= size && at < size;
    }

    private static boolean is(byte[] d, long at, int opcode) {
        return (d[(int) at] & 0xff) == opcode;
    }

    private static void put32(byte[] d, long at, int v) {
        int o = (int) at;
        d[o] = (byte) v;
        d[o + 1] = (byte) (v >>> 8);
        d[o + 2] = (byte) (v >>> 16);
        d[o + 3] = (byte) (v >>> 24);
    }
}

package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;

/**
 * ELF headers with ClamAV 1.4's rules (libclamav/elf.c). The entry point's file offset comes from the first
 * program header (of any type) whose [p_vaddr, p_vaddr+p_memsz) holds e_entry; it is 0 when there are no
 * program headers or e_entry is 0. Sections are the section headers (address, file offset, size) truncated
 * to 32 bits as ClamAV stores them.
 *
 * <p>Two walks differ in ClamAV and both are reproduced: target info (for offsets) gives up on more than 256
 * section headers; the scan (for {@code Heuristics.Broken.Executable}) gives up silently above 2048 and
 * reports a bad class byte, more than 128 program headers, a wrong entry size, unreadable headers or an
 * unmappable entry point. A wrong e_shentsize counts even when there are no sections.
 */
final class ElfParser {
    private ElfParser() {}

    private static final int HDR32 = 52;
    private static final int HDR64 = 64;
    private static final int PH32 = 32, PH64 = 56;
    private static final int SH32 = 40, SH64 = 64;
    private static final int MAX_PHNUM = 128;           // ClamAV: more is broken
    private static final int MAX_SHNUM_TARGET = 256;    // ClamAV target info gives up above this
    private static final int MAX_SHNUM_SCAN = 2048;     // ClamAV scan gives up (not broken) above this
    private static final long M32 = 0xffffffffL;

    static ExeInfo parse(ByteBuffer b) {
        if (!Bytes.has(b, 0, HDR32)) return null;
        if (Bytes.u32le(b, 0) != 0x464c457fL) return null;
        int cls = Bytes.u8(b, 4);
        if (cls != 1 && cls != 2) return brokenOnly(false);
        boolean is64 = cls == 2;
        boolean be = Bytes.u8(b, 5) != 1;
        if (is64 && !Bytes.has(b, 0, HDR64)) return null;

        long entry, phoff, shoff;
        int phentsize, phnum, shentsize, shnum;
        if (is64) {
            entry = Bytes.u64(b, 24, be);
            phoff = Bytes.u64(b, 32, be);
            shoff = Bytes.u64(b, 40, be);
            phentsize = Bytes.u16(b, 54, be);
            phnum = Bytes.u16(b, 56, be);
            shentsize = Bytes.u16(b, 58, be);
            shnum = Bytes.u16(b, 60, be);
        } else {
            entry = Bytes.u32(b, 24, be);
            phoff = Bytes.u32(b, 28, be);
            shoff = Bytes.u32(b, 32, be);
            phentsize = Bytes.u16(b, 42, be);
            phnum = Bytes.u16(b, 44, be);
            shentsize = Bytes.u16(b, 46, be);
            shnum = Bytes.u16(b, 48, be);
        }

        // program headers and entry point (same rules in both walks)
        if (phnum > MAX_PHNUM) return brokenOnly(is64);
        long ep = 0;
        if (phnum != 0 && entry != 0) {
            int size = is64 ? PH64 : PH32;
            if (phentsize != size) return brokenOnly(is64);
            long found = 0;
            boolean mapped = false;
            for (int i = 0; i < phnum; i++) {
                long p = phoff + (long) i * size;
                if (p < 0 || !Bytes.has(b, p, size)) return brokenOnly(is64);
                if (mapped) continue;
                long off = is64 ? Bytes.u64(b, p + 8, be) : Bytes.u32(b, p + 4, be);
                long va = is64 ? Bytes.u64(b, p + 16, be) : Bytes.u32(b, p + 8, be);
                long memsz = is64 ? Bytes.u64(b, p + 40, be) : Bytes.u32(b, p + 20, be);
                if (covers(va, memsz, entry, is64)) {
                    found = entry - va + off;
                    mapped = true;
                }
            }
            if (!mapped) return brokenOnly(is64);
            ep = found & M32;
        }

        // section headers: scan walk decides "broken", target walk decides offsets
        int shsize = is64 ? SH64 : SH32;
        boolean shReadable = shentsize == shsize && sectionsReadable(b, shoff, shnum, shsize);
        boolean broken = shnum <= MAX_SHNUM_SCAN && !(shentsize == shsize && (shnum == 0 || shReadable));
        boolean target = shnum <= MAX_SHNUM_TARGET && shentsize == shsize && (shnum == 0 || shReadable);
        if (!target) return new ExeInfo(ExeInfo.Kind.ELF, is64, -1, null, null, null, null, broken, false, null, 0, null, null);
        long[] raw = new long[shnum], rsz = new long[shnum], va = new long[shnum], vsz = new long[shnum];
        for (int i = 0; i < shnum; i++) {
            long p = shoff + (long) i * shsize;
            va[i] = (is64 ? Bytes.u64(b, p + 16, be) : Bytes.u32(b, p + 12, be)) & M32;
            raw[i] = (is64 ? Bytes.u64(b, p + 24, be) : Bytes.u32(b, p + 16, be)) & M32;
            rsz[i] = (is64 ? Bytes.u64(b, p + 32, be) : Bytes.u32(b, p + 20, be)) & M32;
        }
        return new ExeInfo(ExeInfo.Kind.ELF, is64, ep, raw, rsz, va, vsz, broken, false, null, 0, null, null);
    }

    private static ExeInfo brokenOnly(boolean is64) {
        return new ExeInfo(ExeInfo.Kind.ELF, is64, -1, null, null, null, null, true, false, null, 0, null, null);
    }

    /** p_vaddr <= e < p_vaddr + p_memsz with ClamAV's wrapping unsigned arithmetic. */
    private static boolean covers(long va, long memsz, long e, boolean is64) {
        if (is64) return Long.compareUnsigned(va, e) <= 0 && Long.compareUnsigned(va + memsz, e) > 0;
        return va <= e && ((va + memsz) & M32) > e;
    }

    private static boolean sectionsReadable(ByteBuffer b, long shoff, int shnum, int size) {
        if (shnum == 0) return true;
        long end = shoff + (long) shnum * size;
        return shoff >= 0 && end >= shoff && Bytes.has(b, shoff, (long) shnum * size);
    }
}

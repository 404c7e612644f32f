package dev.bulwark.engine.signatures.yara.modules;

/** Bounds-checked view of an ELF header, program headers and section headers (32/64-bit, either byte order). */
final class ElfFile {
    static final int MAX_HEADERS = 65535; // e_phnum / e_shnum are 16-bit anyway

    final ScanInput in;
    final boolean is64;
    final boolean be;
    final int type;
    final int machine;
    final long entry;
    final long phoff;
    final long shoff;
    final int phentsize;
    final int phnum;
    final int shentsize;
    final int shnum;
    final int shstrndx;

    private ElfFile(ScanInput in) {
        this.in = in;
        is64 = Bytes.u8(in, 4) == 2;
        be = Bytes.u8(in, 5) == 2;
        type = u16(16);
        machine = u16(18);
        entry = is64 ? u64(24) : u32(24);
        phoff = is64 ? u64(32) : u32(28);
        shoff = is64 ? u64(40) : u32(32);
        phentsize = u16(is64 ? 54 : 42);
        phnum = Math.max(0, u16(is64 ? 56 : 44));
        shentsize = u16(is64 ? 58 : 46);
        shnum = Math.max(0, u16(is64 ? 60 : 48));
        shstrndx = u16(is64 ? 62 : 50);
    }

    static ElfFile parse(ScanInput in) {
        if (Bytes.u32be(in, 0) != 0x7F454C46L) return null;
        int cls = Bytes.u8(in, 4), data = Bytes.u8(in, 5);
        if (cls != 1 && cls != 2 || data != 1 && data != 2) return null;
        if (!in.has(0, cls == 2 ? 64 : 52)) return null;
        return new ElfFile(in);
    }

    int u16(long off) {
        return be ? Bytes.u16be(in, off) : Bytes.u16(in, off);
    }

    long u32(long off) {
        return be ? Bytes.u32be(in, off) : Bytes.u32(in, off);
    }

    long u64(long off) {
        if (!in.has(off, 8)) return -1;
        long hi = u32(be ? off : off + 4), lo = u32(be ? off + 4 : off);
        return hi << 32 | lo;
    }

    long word(long off) {
        return is64 ? u64(off) : u32(off);
    }

    boolean hasSection(int i) {
        return shoff > 0 && i < shnum && in.has(shoff + (long) shentsize * i, is64 ? 64 : 40);
    }

    boolean hasSegment(int i) {
        return phoff > 0 && i < phnum && in.has(phoff + (long) phentsize * i, is64 ? 56 : 32);
    }

    long sh(int i) {
        return shoff + (long) shentsize * i;
    }

    long ph(int i) {
        return phoff + (long) phentsize * i;
    }

    long shType(int i) {
        return u32(sh(i) + 4);
    }

    long shFlags(int i) {
        return word(sh(i) + 8);
    }

    long shAddr(int i) {
        return is64 ? u64(sh(i) + 16) : u32(sh(i) + 12);
    }

    long shOffset(int i) {
        return is64 ? u64(sh(i) + 24) : u32(sh(i) + 16);
    }

    long shSize(int i) {
        return is64 ? u64(sh(i) + 32) : u32(sh(i) + 20);
    }

    long shLink(int i) {
        return u32(sh(i) + (is64 ? 40 : 24));
    }

    long shEntSize(int i) {
        return is64 ? u64(sh(i) + 56) : u32(sh(i) + 36);
    }

    long phType(int i) {
        return u32(ph(i));
    }

    long phOffset(int i) {
        return is64 ? u64(ph(i) + 8) : u32(ph(i) + 4);
    }

    long phVaddr(int i) {
        return is64 ? u64(ph(i) + 16) : u32(ph(i) + 8);
    }

    long phFilesz(int i) {
        return is64 ? u64(ph(i) + 32) : u32(ph(i) + 16);
    }

    /**
     * (yara17) elf.entry_point as yara 4.2.3's module computes it, or -1 (undefined): none for a zero entry; an
     * ET_EXEC maps it through every program header's [vaddr, vaddr + memsz), strided by the header's size, the
     * other types through the sections that are neither SHT_NULL nor SHT_NOBITS; the whole table must lie in the
     * file. (The {@code entrypoint} keyword keeps {@link #entryOffset}.)
     */
    long moduleEntryOffset() {
        if (entry == 0) return -1;
        long size = in.len();
        boolean exec = type == 2;
        long tab = exec ? phoff : shoff, n = exec ? phnum : shnum, ent = exec ? (is64 ? 56 : 32) : (is64 ? 64 : 40);
        if (tab <= 0 || tab > size || n == 0 || tab + n * ent > size) return -1;
        for (int i = 0; i < n; i++) {
            long h = tab + ent * i;
            long va, len, off;
            if (exec) {
                va = is64 ? u64(h + 16) : u32(h + 8);
                len = is64 ? u64(h + 40) : u32(h + 20);
                off = is64 ? u64(h + 8) : u32(h + 4);
            } else {
                long t = u32(h + 4);
                if (t == 0 || t == 8) continue;
                va = is64 ? u64(h + 16) : u32(h + 12);
                len = is64 ? u64(h + 32) : u32(h + 20);
                off = is64 ? u64(h + 24) : u32(h + 16);
            }
            if (Long.compareUnsigned(entry, va) >= 0 && Long.compareUnsigned(entry - va, len) < 0) return off + (entry - va);
        }
        return -1;
    }

    /** File offset of the entry point, or -1. */
    long entryOffset() {
        return vaToOffset(entry);
    }

    long vaToOffset(long va) {
        if (type == 2 || type == 3) { // executables and shared objects: program headers
            for (int i = 0; hasSegment(i) && i < MAX_HEADERS; i++) {
                long v = phVaddr(i), n = phFilesz(i);
                if (phType(i) == 1 && va >= v && va - v < n) return phOffset(i) + (va - v);
            }
        }
        for (int i = 0; hasSection(i) && i < MAX_HEADERS; i++) {
            long a = shAddr(i), n = shSize(i);
            if (shType(i) != 8 && a != 0 && va >= a && va - a < n) return shOffset(i) + (va - a);
        }
        return -1;
    }
}

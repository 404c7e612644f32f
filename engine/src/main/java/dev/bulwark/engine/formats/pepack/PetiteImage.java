package dev.bulwark.engine.formats.pepack;

/**
 * Petite's memory image while it is unpacked: walks the block table, moves packed blocks, decompresses
 * sections, cuts the loader code off the last section and decrypts the original entry point. The
 * image spans the packed file's sections from the lowest RVA ({@code min}); every read and write is
 * checked against it, and all 32-bit quantities wrap as the packer's (and ClamAV's) arithmetic does.
 */
final class PetiteImage {
    private static final long M = 0xffffffffL;
    /** Offset of the block table in the packer section. */
    private static final int TABLE_V21 = 0x178, TABLE_V22 = 0x1b8;
    /** Size of the loader code that ends the last decompressed section, and its shift when relocations were kept. */
    private static final int STUB_V21 = 0x323, STUB_V22 = 0x355, SKEW_V21 = 0x34, SKEW_V22 = 0x35;
    /** Loader code at stub + 0x54 (xor eax,eax; pop esi; mov ebx,fs:[eax]; mov ebx,[ebx]): confirms the stub. */
    private static final int STUB_CODE_AT = 5 + 0x4f, STUB_CODE1 = 0x645ec033, STUB_CODE2 = 0x1b8b188b;
    /** In the stub: the encrypted entry point, the import array and a nop run that means "imports not mangled". */
    private static final int ENC_EP_AT = 0x0f, IMPORTS_AT = 0x121, NOPS_AT = 0x1c0, NOPS = 0x90909090;
    /** The two dwords before the encrypted entry point hide its key; xored with these they must agree. */
    private static final int KEY_MASK1 = 0x9d6661aa, KEY_MASK2 = 0xe908c483;
    /** What the loader writes over an import it resolves itself (an address in no module). */
    private static final long FAKE_IMPORT = 0xbff01337L;
    /** Windows loads at most 96 sections (ClamAV's limit on Petite's section list too). */
    private static final int MAX_SECTIONS = 96;
    /**
     * Bytes decoded, moved and read per byte of memory image: a real file decodes each byte once; a
     * hostile table could make every entry re-decode or re-move the whole image.
     */
    private static final int WORK_PER_BYTE = 8;
    private static final long MIN_WORK = 1 << 20;
    /** Import entries folded into the entry point key; a longer walk counts as a failed decryption. */
    private static final int MAX_IMPORT_STEPS = 1 << 20;

    private final byte[] buf;
    private final long min;
    private final Petite.View v;
    private final int sections;
    private final long imageBase, entry;
    private final boolean v22;
    private final long maxWork;
    private long work;
    /** The recovered sections: RVA, raw size, virtual size, offset in {@link #buf} after compaction. */
    private final long[] rva = new long[MAX_SECTIONS], rsz = new long[MAX_SECTIONS], vsz = new long[MAX_SECTIONS],
            raw = new long[MAX_SECTIONS];
    private int count;
    private long encEp, importArray;
    private boolean mangled;
    /** Bit reader state: the source position (shared with literal bytes) and the current flag byte. */
    private long sp;
    private int flags;

    PetiteImage(byte[] buf, long min, Petite.View v, int sections, long imageBase, long entry, boolean v22) {
        this.buf = buf;
        this.min = min;
        this.v = v;
        this.sections = sections;
        this.imageBase = imageBase;
        this.entry = entry;
        this.v22 = v22;
        this.maxWork = Math.max(MIN_WORK, (long) WORK_PER_BYTE * buf.length);
    }

    /** Runs the block table; false when it fails (a bound, a bad entry, a table without sections). */
    boolean unpack() {
        long packed = v.rva[sections - 1] + (v22 ? TABLE_V22 : TABLE_V21) - min;
        long bottom = 0;
        boolean widen = true; // the first section, and the first after each move
        while (true) {
            if (!in(packed, 4)) return false;
            long srva = u32(packed);
            if (srva == 0) return count > 0 && finish();
            long size = srva & 0x7fffffffL;
            if (!in(packed + 4, 8)) return false;
            if (srva != size) { // move size dwords ending at the source end to end at the destination end
                widen = true;
                bottom = u32(packed + 8);
                if (bottom > M - 4) return false;
                bottom += 4;
                long n = (size * 4) & M, back = ((size - 1) * 4) & M;
                long src = s32(packed + 4) - back - min, dst = s32(packed + 8) - back - min;
                if (!in(src, n) || !in(dst, n) || !spend(n)) return false;
                System.arraycopy(buf, (int) src, buf, (int) dst, (int) n);
                packed += 12;
                continue;
            }
            size = u32(packed + 4);
            long at = u32(packed + 8);
            packed += 16;
            if (count >= MAX_SECTIONS) return false;
            int j = count;
            rva[j] = at;
            rsz[j] = size;
            long gap = (bottom - at) & M;
            vsz[j] = (int) gap > 0 ? gap : size;
            raw[j] = 0;
            count++;
            if (size == 0) continue; // a section with no data (relocations stripped)
            int q = 0;
            while (q < sections && !Petite.contained(v.rva[q], v.vsz[q], rva[j], vsz[j])) q++;
            if (q == sections) return false;
            if (widen) { // it may begin with data stored as it is (the icon): it starts where its packed section does
                rva[j] = v.rva[q];
                rsz[j] = (at - v.rva[q] + size) & M;
            }
            widen = false;
            long end = inflate(srva - min, at - min, size);
            if (end < 0) return false;
            cutLoader(j, end);
        }
    }

    /**
     * Decompresses {@code size} bytes: a first byte stored, then flag bits (a byte at a time, MSB
     * first, a sentinel bit marking the end of each byte) that choose a literal (xored with the low
     * byte of the count still to go) or a copy whose distance and length use Elias-gamma-like codes;
     * a short distance code repeats the previous distance. Returns the end of the output or -1.
     */
    private long inflate(long src, long dst, long size) {
        if (!in(src, 1) || !in(dst, 1)) return -1;
        int check1, check2, goback;
        if (size < 0x10000) {
            check1 = 0xffffc060;
            check2 = 0xfffffc60;
            goback = 5;
        } else if (size < 0x40000) {
            check1 = 0xffff8180;
            check2 = 0xfffff980;
            goback = 7;
        } else {
            check1 = 0xffff8300;
            check2 = 0xfffffb00;
            goback = 8;
        }
        buf[(int) dst++] = buf[(int) src++];
        size--;
        sp = src;
        flags = 0;
        int oldback = 0;
        while (size > 0) {
            int b = bit();
            if (b < 0) return -1;
            if (b == 0) {
                if (!in(sp, 1) || !in(dst, 1) || !spend(1)) return -1;
                buf[(int) dst++] = (byte) (buf[(int) sp++] ^ size);
                size--;
                continue;
            }
            int addsize = 0, backbytes = 1;
            do {
                if ((b = bit()) < 0 || backbytes >= Integer.MAX_VALUE / 2) return -1;
                backbytes = backbytes * 2 + b;
            } while ((b = bit()) == 1);
            if (b < 0) return -1;
            backbytes -= 3;
            int backsize;
            if (backbytes >= 0) {
                for (int k = 0; k < goback; k++) {
                    if ((b = bit()) < 0 || backbytes >= Integer.MAX_VALUE / 2) return -1;
                    backbytes = backbytes * 2 + b;
                }
                backbytes = ~backbytes;
                addsize += 1 + (backbytes < check2 ? 1 : 0) + (backbytes < check1 ? 1 : 0);
                oldback = backbytes;
                backsize = 0;
            } else {
                backsize = backbytes + 1;
                backbytes = oldback;
            }
            for (int k = 0; k < 2; k++) {
                if ((b = bit()) < 0) return -1;
                backsize = backsize * 2 + b;
            }
            if (backsize == 0) {
                backsize = 1;
                do {
                    if ((b = bit()) < 0) return -1;
                    backsize = backsize * 2 + b;
                } while ((b = bit()) == 1);
                if (b < 0) return -1;
                backsize += 2;
            }
            long n = (backsize + addsize) & M;
            // a copy past the count makes the unsigned count wrap: the packer's loop then runs off the image
            if (n > size || !in(dst, n) || !in(dst + backbytes, n) || !spend(n)) return -1;
            for (long k = 0; k < n; k++, dst++) buf[(int) dst] = buf[(int) (dst + backbytes)];
            size -= n;
        }
        return dst;
    }

    /** One flag bit, or -1 when the next flag byte would be the image's last byte or beyond. */
    private int bit() {
        int old = flags;
        flags = (flags << 1) & 0xff;
        if ((old & 0x7f) == 0) {
            if (sp < 0 || sp >= buf.length - 1 || !spend(1)) return -1;
            old = buf[(int) sp++] & 0xff;
            flags = (old << 1 | 1) & 0xff;
        }
        return old >> 7 & 1;
    }

    /** When section {@code j} (decoded up to {@code end}) ends with the loader, drop it and read its clues. */
    private void cutLoader(int j, long end) {
        long grown = v22 ? STUB_V22 : STUB_V21, skew = v22 ? SKEW_V22 : SKEW_V21;
        long stub = end - grown;
        long reloc;
        if (rsz[j] > grown && loaderAt(stub + STUB_CODE_AT)) reloc = 0;
        else if (rsz[j] > grown + skew && loaderAt(stub + STUB_CODE_AT - skew)) reloc = skew;
        else return;
        long key = stub + ENC_EP_AT - reloc;
        if (!in(key - 8, 8)) return;
        int test1 = s32(key - 8) ^ KEY_MASK1, test2 = s32(key - 4) ^ KEY_MASK2;
        if (test1 == test2 && in(key, NOPS_AT - ENC_EP_AT + 4)) {
            importArray = u32(stub + IMPORTS_AT - reloc);
            encEp = (s32(key) ^ test1) & M;
            mangled = s32(stub + NOPS_AT - reloc) != NOPS;
        }
        rsz[j] = (rsz[j] - grown - reloc) & M;
    }

    private boolean loaderAt(long at) {
        return in(at, 8) && s32(at) == STUB_CODE1 && s32(at + 4) == STUB_CODE2;
    }

    /** Sorts the sections by RVA, guesses virtual sizes, decrypts the entry point and packs the data at the start. */
    private boolean finish() {
        for (boolean swapped = true; swapped; ) {
            swapped = false;
            for (int t = 0; t + 1 < count; t++) {
                if (rva[t] <= rva[t + 1]) continue;
                swap(rva, t);
                swap(rsz, t);
                swap(vsz, t);
                swapped = true;
            }
        }
        for (int t = 0; t + 1 < count; t++) vsz[t] = (rva[t + 1] - rva[t]) & M;
        if (encEp != 0) encEp = decryptEntry();
        for (int t = 0; t < count; t++) {
            raw[t] = t > 0 ? (raw[t - 1] + rsz[t - 1]) & M : 0;
            if (rsz[t] == 0) continue;
            if (in(raw[t], rsz[t])) {
                long from = rva[t] - min;
                if (!in(from, rsz[t]) || !spend(rsz[t])) return false;
                System.arraycopy(buf, (int) from, buf, (int) raw[t], (int) rsz[t]);
            } else { // does not fit: kept as a section without data
                raw[t] = t > 0 ? raw[t - 1] : 0;
                rsz[t] = 0;
            }
        }
        return true;
    }

    /**
     * The loader rotates the key right by 3 bits per import entry, after counting down once for an
     * entry above the packer section and once for one below the running stub address. Petite 2.1
     * keeps the key as it is. When the walk does not end cleanly the first section's RVA stands in.
     */
    private long decryptEntry() {
        boolean done = !v22;
        if (v22) {
            long fake = (entry + 5 + imageBase) & M, packer = (v.rva[sections - 1] + imageBase) & M;
            long thunk = importArray - min;
            int rndm = 0, steps = 0;
            boolean listEnded = true;
            walk:
            while (listEnded && in(thunk, 4)) {
                if (u32(thunk) == 0) {
                    done = true;
                    break;
                }
                long imports = s32(thunk) - min;
                thunk += 4;
                listEnded = false;
                while (in(imports, 4)) {
                    if (++steps > MAX_IMPORT_STEPS) break walk;
                    long api = u32(imports);
                    imports += 4;
                    if (api == 0) {
                        listEnded = true;
                        break;
                    }
                    if ((api & 0x80000000L) == 0 && mangled && --rndm < 0) {
                        api = fake;
                        fake = (fake + 5) & M;
                        rndm = (int) (fake & 7);
                    } else {
                        api = FAKE_IMPORT;
                    }
                    if (packer < api) encEp = (encEp - 1) & M;
                    if (api < fake) encEp = (encEp - 1) & M;
                    encEp = (encEp >>> 3 | (encEp & 7) << 29) & M;
                }
            }
        }
        return done ? (entry + 5 + encEp) & M : rva[0];
    }

    byte[] rebuild(long resRva, long resSize, long budget) {
        RebuiltPe.Section[] s = new RebuiltPe.Section[count];
        for (int i = 0; i < count; i++) s[i] = new RebuiltPe.Section(rva[i], vsz[i], raw[i], rsz[i]);
        return RebuiltPe.build(buf, s, imageBase, encEp, resRva, resSize, budget);
    }

    private boolean spend(long n) {
        work += n;
        return work <= maxWork;
    }

    private boolean in(long at, long n) {
        return Petite.contained(0, buf.length, at, n);
    }

    private long u32(long at) {
        return s32(at) & M;
    }

    private int s32(long at) {
        int o = (int) at;
        return (buf[o] & 0xff) | (buf[o + 1] & 0xff) << 8 | (buf[o + 2] & 0xff) << 16 | (buf[o + 3] & 0xff) << 24;
    }

    private static void swap(long[] a, int t) {
        long x = a[t];
        a[t] = a[t + 1];
        a[t + 1] = x;
    }
}

package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A scannable (not runnable) PE32 file around sections that an unpacker recovered from a memory image,
 * laid out the way ClamAV's shared PE rebuilder lays them out, so that section-relative and
 * offset-based signatures see the same file: a fixed 0x400-aligned header block (DOS header, a short
 * stub, PE and optional headers with 16 data directories of which only the resource entry is set),
 * one section per recovered region named ".clamNN" with every characteristic bit set, each region's
 * bytes at consecutive 0x200-aligned file offsets, and an "empty" virtual section in front when the
 * first region starts above the headers. Only the DOS stub's message text is our own.
 */
final class RebuiltPe {
    /** Windows loads at most 96 sections; ClamAV's rebuilder refuses more too. */
    private static final int MAX_SECTIONS = 96;
    private static final int FILE_ALIGN = 0x200, SECTION_ALIGN = 0x1000;
    private static final int PE = 0xd0;
    private static final int OPT = PE + 24;
    /** Optional header fields (0x60 bytes) then 16 data directories (0x80 bytes): the section table follows. */
    private static final int DIRS = OPT + 0x60, TABLE = DIRS + 0x80;
    /** Real-mode stub: print the message at DS:000D and exit (the standard linker stub code). */
    private static final byte[] STUB_CODE = {0x0e, 0x1f, (byte) 0xb4, 0x09, (byte) 0xba, 0x0d, 0x00, (byte) 0xcd, 0x21,
            (byte) 0xb4, 0x4c, (byte) 0xcd, 0x21};
    private static final byte[] STUB_TEXT = "Rebuilt by Bulwark from a packed executable for scanning; do not run.\r\n$"
            .getBytes(StandardCharsets.ISO_8859_1);

    private RebuiltPe() {}

    /**
     * The file, or null when there are too many sections, a region lies outside {@code buf}, or the
     * file would exceed {@code budget} bytes. Region {@code i} is {@code rsz[i]} bytes at {@code raw[i]}
     * in {@code buf}, mapped at {@code rva[i]} with virtual size {@code vsz[i]} (all unsigned 32-bit).
     */
    static byte[] build(byte[] buf, long[] rva, long[] vsz, long[] raw, long[] rsz, int n, long imageBase, long entry,
                        long resRva, long resSize, long budget) {
        if (n < 1) return null;
        int headers = up(TABLE + 0x28 * n, FILE_ALIGN);
        boolean ghost = rva[0] > up(headers, SECTION_ALIGN);
        if (ghost) headers = up(TABLE + 0x28 * (n + 1), FILE_ALIGN);
        if (n + (ghost ? 1 : 0) > MAX_SECTIONS) return null;
        long total = headers;
        for (int i = 0; i < n; i++) {
            if (rsz[i] > 0 && (raw[i] < 0 || raw[i] + rsz[i] > buf.length)) return null;
            total += upLong(rsz[i], FILE_ALIGN);
        }
        if (total > budget || total > Integer.MAX_VALUE - 8) return null;
        byte[] out = new byte[(int) total];
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        writeHeaders(o, n + (ghost ? 1 : 0), imageBase, entry, headers, resRva, resSize);
        long image = up(headers, SECTION_ALIGN);
        int s = TABLE;
        if (ghost) {
            name(out, s, "empty");
            o.putInt(s + 8, (int) (rva[0] - image));
            o.putInt(s + 12, (int) image);
            o.putInt(s + 36, -1);
            s += 0x28;
            image += upLong((rva[0] - image) & 0xffffffffL, SECTION_ALIGN);
        }
        long pos = headers;
        for (int i = 0; i < n; i++, s += 0x28) {
            name(out, s, String.format(".clam%02d", i + 1));
            o.putInt(s + 8, (int) vsz[i]);
            o.putInt(s + 12, (int) rva[i]);
            o.putInt(s + 16, (int) rsz[i]);
            o.putInt(s + 20, (int) pos);
            o.putInt(s + 36, -1);
            if (rsz[i] > 0) System.arraycopy(buf, (int) raw[i], out, (int) pos, (int) rsz[i]);
            pos += upLong(rsz[i], FILE_ALIGN);
            image += upLong(vsz[i], SECTION_ALIGN);
        }
        o.putInt(OPT + 56, (int) image);
        return out;
    }

    private static void writeHeaders(ByteBuffer o, int sections, long imageBase, long entry, int headers, long resRva,
                                     long resSize) {
        o.putShort(0, (short) 0x5a4d);           // "MZ"
        o.putShort(2, (short) 0x90);             // bytes on the last page
        o.putShort(4, (short) 2);                // pages
        o.putShort(8, (short) 4);                // header paragraphs
        o.putShort(10, (short) 0xf);             // min extra paragraphs
        o.putShort(12, (short) 0xffff);          // max extra paragraphs
        o.putShort(16, (short) 0xb0);            // SP
        o.putShort(24, (short) 0x40);            // relocation table
        o.putShort(26, (short) 0x1a);            // overlay number
        o.putInt(0x3c, PE);
        o.put(0x40, STUB_CODE);
        o.put(0x40 + STUB_CODE.length, STUB_TEXT);
        o.putInt(PE, 0x4550);                    // "PE\0\0"
        o.putShort(PE + 4, (short) 0x14c);       // i386
        o.putShort(PE + 6, (short) sections);
        o.putInt(PE + 8, 0x4d414c43);            // time stamp field: "CLAM", as ClamAV's rebuilt files carry
        o.putShort(PE + 20, (short) 0xe0);       // optional header size
        o.putShort(PE + 22, (short) 0x8f83);     // executable, 32-bit, stripped
        o.putShort(OPT, (short) 0x10b);          // PE32
        o.putInt(OPT + 4, 0x1000);               // size of code
        o.putInt(OPT + 8, 0x1000);               // size of initialised data
        o.putInt(OPT + 16, (int) entry);
        o.putInt(OPT + 20, 0x1000);              // base of code
        o.putInt(OPT + 24, 0x1000);              // base of data
        o.putInt(OPT + 28, (int) imageBase);
        o.putInt(OPT + 32, SECTION_ALIGN);
        o.putInt(OPT + 36, FILE_ALIGN);
        o.putShort(OPT + 40, (short) 1);         // OS version 1.0
        o.putShort(OPT + 48, (short) 3);         // subsystem version 3.10
        o.putShort(OPT + 50, (short) 10);
        o.putInt(OPT + 60, headers);
        o.putShort(OPT + 68, (short) 2);         // GUI subsystem
        o.putInt(OPT + 72, 0x100000);            // stack reserve
        o.putInt(OPT + 76, 0x1000);              // stack commit
        o.putInt(OPT + 80, 0x100000);            // heap reserve
        o.putInt(OPT + 84, 0x1000);              // heap commit
        o.putInt(OPT + 92, 16);                  // data directories
        o.putInt(DIRS + 16, (int) resRva);
        o.putInt(DIRS + 20, (int) resSize);
    }

    private static void name(byte[] out, int at, String name) {
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(b, 0, out, at, Math.min(7, b.length));
    }

    private static int up(int v, int a) {
        return (v + a - 1) / a * a;
    }

    private static long upLong(long v, long a) {
        return (v + a - 1) / a * a;
    }
}

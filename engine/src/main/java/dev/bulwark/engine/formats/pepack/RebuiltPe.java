package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A parsable (not runnable) PE32 file around an unpacked memory image, laid out as ClamAV lays out
 * the files its unpackers rebuild, so that signatures on section layout, entry point and section data
 * see the same thing: PE header at 0xd0, headers padded to 0x200, one section per given region named
 * ".clamNN" with all characteristic bits set, raw data packed at 0x200 alignment in the given order,
 * and a placeholder section ("empty") in front when the first region starts beyond the headers' page.
 * From the PE header on, every field holds what ClamAV's rebuilt files hold (time stamp "CLAM", the
 * characteristics, code/data sizes and bases, OS and subsystem versions); the DOS header and stub
 * (the first 0xd0 bytes) are our own.
 */
public final class RebuiltPe {
    /** Windows loads at most 96 sections (the same limit as the parser's). */
    private static final int MAX_SECTIONS = PeHeaders.MAX_SECTIONS;
    private static final int PE = 0xd0, OPT = PE + 24, DIRS = OPT + 0x60, TABLE = DIRS + 0x80;
    private static final int FILE_ALIGN = 0x200, PAGE = 0x1000;
    private static final byte[] STUB = "Unpacked by Bulwark for scanning only: this file does not run.\r\n$"
            .getBytes(StandardCharsets.US_ASCII);

    private RebuiltPe() {}

    /** One region of the image: where it goes in memory and which bytes of the buffer fill it. */
    public record Section(long rva, long vsize, long raw, long rsize) {}

    /**
     * The rebuilt file, or null when it would have more than 96 sections, exceed {@code maxSize} bytes, or a
     * region's bytes lie outside {@code buffer}. Values are truncated to 32 bits as the PE fields hold them.
     */
    public static byte[] build(byte[] buffer, Section[] s, long base, long ep, long resRva, long resSize, long maxSize) {
        int n = s.length;
        long rawbase = up(TABLE + 0x28L * n, FILE_ALIGN);
        boolean ghost = n > 0 && s[0].rva() > up(rawbase, PAGE);
        if (ghost) rawbase = up(TABLE + 0x28L * (n + 1), FILE_ALIGN);
        if (n + (ghost ? 1 : 0) > MAX_SECTIONS) return null;
        long total = rawbase;
        for (Section x : s) {
            if (x.rsize() < 0 || x.raw() < 0 || x.raw() + x.rsize() > buffer.length) return null;
            total += up(x.rsize(), FILE_ALIGN);
        }
        if (total > maxSize || total > Integer.MAX_VALUE - 8) return null;
        byte[] out = new byte[(int) total];
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        writeHeaders(o, n + (ghost ? 1 : 0), base, ep, rawbase);
        o.putInt(DIRS + 0x10, (int) resRva);
        o.putInt(DIRS + 0x14, (int) resSize);
        int at = TABLE;
        long memory = up(rawbase, PAGE);
        if (ghost) {
            name(out, at, "empty");
            o.putInt(at + 8, (int) (s[0].rva() - memory));
            o.putInt(at + 12, (int) memory);
            o.putInt(at + 36, -1);
            at += 40;
            memory += up(s[0].rva() - memory, PAGE);
        }
        long pos = rawbase;
        for (int i = 0; i < n; i++, at += 40) {
            name(out, at, String.format(java.util.Locale.ROOT, ".clam%02d", i + 1));
            o.putInt(at + 8, (int) s[i].vsize());
            o.putInt(at + 12, (int) s[i].rva());
            o.putInt(at + 16, (int) s[i].rsize());
            o.putInt(at + 20, (int) pos);
            o.putInt(at + 36, -1);
            System.arraycopy(buffer, (int) s[i].raw(), out, (int) pos, (int) s[i].rsize());
            pos += up(s[i].rsize(), FILE_ALIGN);
            memory += up(s[i].vsize(), PAGE);
        }
        o.putInt(OPT + 56, (int) memory);
        return out;
    }

    private static void writeHeaders(ByteBuffer o, int sections, long base, long ep, long headers) {
        o.putShort(0, (short) 0x5a4d);
        o.putShort(2, (short) 0x90);
        o.putShort(4, (short) 3);
        o.putShort(8, (short) 4);            // header paragraphs
        o.putShort(0x0c, (short) 0xffff);
        o.putShort(0x10, (short) 0xb8);      // initial SP
        o.putShort(0x18, (short) 0x40);      // relocation table offset: a "new" executable
        o.putInt(0x3c, PE);
        // DOS stub: print the message and exit
        byte[] code = {0x0e, 0x1f, (byte) 0xba, 0x0e, 0x00, (byte) 0xb4, 0x09, (byte) 0xcd, 0x21, (byte) 0xb8, 0x01, 0x4c,
                (byte) 0xcd, 0x21};
        o.put(0x40, code);
        o.put(0x4e, STUB);
        o.putInt(PE, 0x4550);
        o.putShort(PE + 4, (short) 0x14c);   // i386
        o.putShort(PE + 6, (short) sections);
        o.putInt(PE + 8, 0x4d414c43);        // time stamp field: "CLAM", as in ClamAV's rebuilt files
        o.putShort(PE + 20, (short) 0xe0);   // optional header with 16 directories
        o.putShort(PE + 22, (short) 0x8f83); // characteristics as ClamAV sets them (executable, 32-bit, stripped...)
        o.putShort(OPT, (short) 0x10b);
        o.putInt(OPT + 4, PAGE);             // size of code, of initialised data
        o.putInt(OPT + 8, PAGE);
        o.putInt(OPT + 16, (int) ep);
        o.putInt(OPT + 20, PAGE);            // base of code, of data
        o.putInt(OPT + 24, PAGE);
        o.putInt(OPT + 28, (int) base);
        o.putInt(OPT + 32, PAGE);
        o.putInt(OPT + 36, FILE_ALIGN);
        o.putShort(OPT + 40, (short) 1);     // OS version 1.0
        o.putShort(OPT + 48, (short) 3);     // subsystem version 3.10
        o.putShort(OPT + 50, (short) 10);
        o.putInt(OPT + 60, (int) headers);
        o.putShort(OPT + 68, (short) 2);     // GUI
        o.putInt(OPT + 72, 0x100000);        // stack reserve / commit, heap reserve / commit
        o.putInt(OPT + 76, PAGE);
        o.putInt(OPT + 80, 0x100000);
        o.putInt(OPT + 84, PAGE);
        o.putInt(OPT + 92, 16);
    }

    private static void name(byte[] out, int at, String n) {
        byte[] b = n.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, at, Math.min(7, b.length));
    }

    static long up(long v, long a) {
        return (v + a - 1) / a * a;
    }
}

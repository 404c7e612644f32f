package dev.bulwark.engine.formats.pepack;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A parsable (not runnable) PE32 file made from an unpacker's memory image, laid out as ClamAV lays
 * out the files its unpackers rebuild: a fixed header of 0x148 bytes (DOS header and stub, PE and
 * optional header), 16 data directories (only the resource entry may be set), one section header
 * per region named {@code .clamNN}, and the regions' bytes at file alignment 0x200. A first region
 * above the header gets an empty "ghost" section before it, so the image has no hole. Only the DOS
 * stub's text is our own; every field a scanner reads matches ClamAV's rebuilt file.
 */
final class RebuiltPe {
    /** Where ClamAV's rebuilt header puts "PE\0\0", and the size of that fixed part. */
    private static final int PE = 0xd0, FIXED = 0x148, DIRS = 0x80, SECTION = 40;
    private static final int FILE_ALIGN = 0x200, PAGE = 0x1000;
    /** Windows loads at most 96 sections; ClamAV refuses to rebuild more. */
    private static final int MAX_SECTIONS = 96;
    private static final byte[] STUB = "Unpacked by Bulwark for scanning only; this image does not run.\r\n$"
            .getBytes(StandardCharsets.US_ASCII);

    /** One region of the image: its offset in the unpacker's buffer, its RVA and sizes. */
    record Region(long raw, long rva, long vsize, long rsize) {}

    private RebuiltPe() {}

    /**
     * The rebuilt file, or null when the regions lie outside {@code buf} or the file would exceed
     * {@code budget} bytes. With {@code align} != 0 every RVA and size is first rounded up to it.
     */
    static byte[] build(byte[] buf, Region[] regions, long base, long ep, long align, long budget) {
        int sects = regions.length;
        if (sects == 0) return null;
        long rawbase = PeLayout.up(FIXED + DIRS + (long) SECTION * sects, FILE_ALIGN);
        boolean ghost = regions[0].rva() > PeLayout.up(rawbase, PAGE);
        if (ghost) rawbase = PeLayout.up(FIXED + DIRS + (long) SECTION * (sects + 1), FILE_ALIGN);
        if (sects + (ghost ? 1 : 0) > MAX_SECTIONS) return null;
        long total = rawbase;
        for (Region r : regions) {
            if (r.raw() < 0 || r.rsize() < 0 || r.raw() + r.rsize() > buf.length) return null;
            total += PeLayout.up(PeLayout.up(r.rsize(), align), FILE_ALIGN);
        }
        if (total > budget || total > Integer.MAX_VALUE - 8) return null;
        byte[] out = new byte[(int) total];
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        header(out, o, sects + (ghost ? 1 : 0), base, ep, rawbase);
        long virt = PeLayout.up(rawbase, PAGE);
        int at = FIXED + DIRS;
        if (ghost) {
            name(out, at, "empty");
            o.putInt(at + 8, (int) (regions[0].rva() - virt));
            o.putInt(at + 12, (int) virt);
            o.putInt(at + 36, -1);
            at += SECTION;
            virt += PeLayout.up(regions[0].rva() - virt, PAGE);
        }
        long pos = rawbase;
        for (int i = 0; i < sects; i++, at += SECTION) {
            Region r = regions[i];
            name(out, at, String.format(".clam%02d", i + 1));
            o.putInt(at + 8, (int) PeLayout.up(r.vsize(), align));
            o.putInt(at + 12, (int) PeLayout.up(r.rva(), align));
            o.putInt(at + 16, (int) PeLayout.up(r.rsize(), align));
            o.putInt(at + 20, (int) pos);
            o.putInt(at + 36, -1); // every characteristic bit, as ClamAV sets them
            System.arraycopy(buf, (int) r.raw(), out, (int) pos, (int) r.rsize());
            pos += PeLayout.up(PeLayout.up(r.rsize(), align), FILE_ALIGN);
            virt += PeLayout.up(PeLayout.up(r.vsize(), align), PAGE);
        }
        o.putInt(PE + 24 + 56, (int) virt); // SizeOfImage
        return out;
    }

    private static void header(byte[] out, ByteBuffer o, int sections, long base, long ep, long headers) {
        out[0] = 'M';
        out[1] = 'Z';
        o.putShort(2, (short) 0x90);            // bytes on the last page
        o.putShort(4, (short) 2);               // pages
        o.putShort(8, (short) 4);               // header paragraphs
        o.putShort(10, (short) 0xf);            // minimum extra paragraphs
        o.putShort(12, (short) 0xffff);         // maximum extra paragraphs
        o.putShort(16, (short) 0xb0);           // initial SP
        o.putShort(24, (short) 0x40);           // relocation table
        o.putShort(26, (short) 0x1a);           // overlay number
        o.putInt(0x3c, PE);
        System.arraycopy(STUB, 0, out, 0x40, STUB.length);
        o.putInt(PE, 0x4550);
        o.putShort(PE + 4, (short) 0x14c);      // i386
        o.putShort(PE + 6, (short) sections);
        o.putInt(PE + 8, 0x4d414c43);           // time stamp field: "CLAM", as in ClamAV's rebuilt files
        o.putShort(PE + 20, (short) 0xe0);      // optional header with 16 directories
        o.putShort(PE + 22, (short) 0x8f83);    // executable, 32-bit, stripped
        int opt = PE + 24;
        o.putShort(opt, (short) 0x10b);
        o.putInt(opt + 4, PAGE);                // size of code
        o.putInt(opt + 8, PAGE);                // size of initialised data
        o.putInt(opt + 16, (int) ep);
        o.putInt(opt + 20, PAGE);               // base of code
        o.putInt(opt + 24, PAGE);               // base of data
        o.putInt(opt + 28, (int) base);
        o.putInt(opt + 32, PAGE);
        o.putInt(opt + 36, FILE_ALIGN);
        o.putShort(opt + 40, (short) 1);        // OS version 1.0
        o.putShort(opt + 48, (short) 3);        // subsystem version 3.10
        o.putShort(opt + 50, (short) 10);
        o.putInt(opt + 60, (int) headers);
        o.putShort(opt + 68, (short) 2);        // GUI
        o.putInt(opt + 72, 0x100000);           // stack reserve
        o.putInt(opt + 76, PAGE);               // stack commit
        o.putInt(opt + 80, 0x100000);           // heap reserve
        o.putInt(opt + 84, PAGE);               // heap commit
        o.putInt(opt + 92, 16);                 // data directories (all zero)
    }

    private static void name(byte[] out, int at, String n) {
        byte[] b = n.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, at, Math.min(8, b.length));
    }
}

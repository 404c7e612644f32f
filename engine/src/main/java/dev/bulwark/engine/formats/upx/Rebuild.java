package dev.bulwark.engine.formats.upx;

import dev.bulwark.engine.formats.pepack.PeHeaders;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns a decompressed UPX image (the memory image from the first packed section's RVA on) back into
 * a PE file the scanner can parse. UPX stores the original PE header near the end of the stream; when
 * it is found, its sections are laid out from the image at file alignment. Otherwise the image is
 * wrapped in a minimal one-section PE so that executable signatures still apply. Imports, resources
 * and UPX's call-instruction filter are not restored (as ClamAV does not either).
 */
final class Rebuild {
    private static final int FILE_ALIGN = 0x200;
    private static final int DOS_HEADER = 0x40;
    /** Rebuilt section data may exceed the image by this factor before the header is judged to lie (overlaps). */
    private static final int MAX_GROWTH = 2;
    /** Smallest plausible header: signature, file header, minimal optional header and one section. */
    private static final int MIN_HEADER = 24 + 0x60 + 40;
    /** "PE\0\0" candidates parsed per image: a stream full of them must not cost a parse each. */
    private static final int MAX_CANDIDATES = 4096;

    private Rebuild() {}

    /** The last plausible PE header inside {@code img[0, n)} whose first section lies in the image. */
    static PeHeaders findHeader(byte[] img, int n, long base) {
        ByteBuffer b = ByteBuffer.wrap(img, 0, n).slice();
        int candidates = 0;
        for (int p = n - MIN_HEADER; p >= 0; p--) {
            if (img[p] != 'P' || img[p + 1] != 'E' || img[p + 2] != 0 || img[p + 3] != 0) continue;
            if (++candidates > MAX_CANDIDATES) break;
            PeHeaders h = PeHeaders.parseAt(b, p);
            if (h != null && h.rva(0) >= base && h.rva(0) - base < p && h.sectionAlignment != 0) return h;
        }
        return null;
    }

    static byte[] image(byte[] img, int n, long base) {
        PeHeaders h = findHeader(img, n, base);
        byte[] out = h == null ? null : fromHeader(img, n, base, h);
        return out != null ? out : crafted(img, n, base);
    }

    private static byte[] fromHeader(byte[] img, int n, long base, PeHeaders h) {
        int hdrLen = h.sectionTable() + h.sections() * PeHeaders.SECTION_HEADER - h.peOffset;
        int headers = align(DOS_HEADER + hdrLen);
        long[] start = new long[h.sections()], len = new long[h.sections()];
        long total = headers;
        for (int i = 0; i < h.sections(); i++) {
            long s = h.rva(i) - base;
            long want = h.virtualSize(i) != 0 ? h.virtualSize(i) : h.rawSize(i);
            start[i] = s;
            len[i] = s < 0 || s >= n ? 0 : Math.min(want, n - s);
            total += align(len[i]);
        }
        if (total > (long) MAX_GROWTH * n + headers) return null;
        byte[] out = new byte[(int) total];
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        out[0] = 'M';
        out[1] = 'Z';
        o.putInt(0x3c, DOS_HEADER);
        System.arraycopy(img, h.peOffset, out, DOS_HEADER, hdrLen);
        int opt = DOS_HEADER + 24;
        o.putInt(opt + 36, FILE_ALIGN);
        o.putInt(opt + 60, headers);
        int table = DOS_HEADER + (h.sectionTable() - h.peOffset);
        long pos = headers;
        for (int i = 0; i < h.sections(); i++) {
            int s = table + i * PeHeaders.SECTION_HEADER;
            o.putInt(s + 16, (int) align(len[i]));
            o.putInt(s + 20, len[i] == 0 ? 0 : (int) pos);
            if (len[i] > 0) System.arraycopy(img, (int) start[i], out, (int) pos, (int) len[i]);
            pos += align(len[i]);
        }
        return out;
    }

    /** A minimal PE32 with one section holding the whole image at its RVA. */
    static byte[] crafted(byte[] img, int n, long base) {
        int rva = (int) Math.max(0x1000, base & ~0xfffL);
        int headers = FILE_ALIGN;
        byte[] out = new byte[headers + align(n)];
        ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        out[0] = 'M';
        out[1] = 'Z';
        o.putInt(0x3c, DOS_HEADER);
        int pe = DOS_HEADER;
        o.putInt(pe, 0x4550);
        o.putShort(pe + 4, (short) 0x14c);   // i386
        o.putShort(pe + 6, (short) 1);       // one section
        o.putShort(pe + 20, (short) 0xe0);   // optional header size
        o.putShort(pe + 22, (short) 0x102);  // executable, 32-bit
        int opt = pe + 24;
        o.putShort(opt, (short) 0x10b);
        o.putInt(opt + 16, rva);             // entry point: start of the image
        o.putInt(opt + 28, 0x400000);        // image base
        o.putInt(opt + 32, 0x1000);          // section alignment
        o.putInt(opt + 36, FILE_ALIGN);
        o.putShort(opt + 40, (short) 4);     // OS version
        o.putShort(opt + 48, (short) 4);     // subsystem version
        o.putInt(opt + 56, (int) (rva + ((n + 0xfffL) & ~0xfffL)));
        o.putInt(opt + 60, headers);
        o.putShort(opt + 68, (short) 2);     // GUI subsystem
        o.putInt(opt + 92, 16);              // data directories
        int s = opt + 0xe0;
        byte[] name = {'.', 'u', 'p', 'x'};
        System.arraycopy(name, 0, out, s, name.length);
        o.putInt(s + 8, n);
        o.putInt(s + 12, rva);
        o.putInt(s + 16, align(n));
        o.putInt(s + 20, headers);
        o.putInt(s + 36, 0xe0000020);        // code, executable, readable, writable
        System.arraycopy(img, 0, out, headers, n);
        return out;
    }

    private static int align(int v) {
        return (v + FILE_ALIGN - 1) & -FILE_ALIGN;
    }

    private static long align(long v) {
        return (v + FILE_ALIGN - 1) & -FILE_ALIGN;
    }
}

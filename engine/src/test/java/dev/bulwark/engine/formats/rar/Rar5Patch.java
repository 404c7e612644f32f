package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import java.util.zip.CRC32;

/** Rewrites fields of a RAR 5 file header (and its CRC) the way a lying archive would. */
final class Rar5Patch {
    private Rar5Patch() {}

    /** The first file header's dictionary field set to its largest value (4 GiB). */
    static byte[] patchedDictionary(byte[] original) {
        byte[] a = original.clone();
        int pos = 8;
        while (true) {
            int[] p = {pos + 4};
            long size = vint(a, p);
            int body = p[0];
            int type = (int) vint(a, p);
            if (type == 2) {
                long flags = vint(a, p);
                if ((flags & 1) != 0) vint(a, p);
                if ((flags & 2) != 0) vint(a, p);
                long fileFlags = vint(a, p);
                vint(a, p); // unpacked size
                vint(a, p); // attributes
                if ((fileFlags & 2) != 0) p[0] += 4;
                if ((fileFlags & 4) != 0) p[0] += 4;
                int comp = p[0];
                if ((a[comp] & 0x80) == 0) throw new IllegalStateException("one-byte compression field");
                a[comp + 1] |= 0x78; // bits 10-13: dictionary 128 KiB << 15
                CRC32 c = new CRC32();
                c.update(a, pos + 4, (int) (body - (pos + 4) + size));
                long v = c.getValue();
                for (int i = 0; i < 4; i++) a[pos + i] = (byte) (v >> (8 * i));
                return a;
            }
            long flags = vint(a, p);
            long data = (flags & 2) != 0 ? ((flags & 1) != 0 ? second(a, p) : vint(a, p)) : 0;
            pos = (int) (body + size + data);
        }
    }

    private static long second(byte[] a, int[] p) {
        vint(a, p);
        return vint(a, p);
    }

    static RecordingContext maxDictionary(byte[] original, ScanOptions o) {
        return RarFixtures.extract(patchedDictionary(original), o);
    }

    private static long vint(byte[] a, int[] p) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = a[p[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) return v;
        }
    }
}

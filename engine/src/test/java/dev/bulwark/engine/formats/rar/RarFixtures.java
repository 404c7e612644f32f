package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/** libarchive's RAR test archives (see the README beside them) and helpers to run and patch them. */
final class RarFixtures {
    private RarFixtures() {}

    static Path dir() {
        try {
            return Path.of(RarFixtures.class.getResource("libarchive").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Path> all() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RecordingContext extract(byte[] data, ScanOptions o) {
        RecordingContext ctx = new RecordingContext(o);
        new RarExtractor().extract(TestLayer.of(data, FileType.RAR), ctx);
        return ctx;
    }

    /** sha256 and size of each extracted member, in order. */
    static List<String> digests(RecordingContext ctx) {
        return ctx.extracted().stream().filter(c -> !c.skipped()).map(c -> Samples.sha256(c.data()) + " " + c.data().length).toList();
    }

    /** Recomputes every RAR 4 block's 16-bit header CRC after a test patched a header field. */
    static void fixRar4Crcs(byte[] a) {
        int pos = 7;
        for (int n = 0; n < 1000 && pos + 7 <= a.length; n++) {
            int flags = u16(a, pos + 3), size = u16(a, pos + 5);
            if (size < 7 || pos + size > a.length) return;
            CRC32 c = new CRC32();
            c.update(a, pos + 2, size - 2);
            a[pos] = (byte) c.getValue();
            a[pos + 1] = (byte) (c.getValue() >> 8);
            long add = (flags & 0x8000) != 0 && pos + 11 <= a.length ? u32(a, pos + 7) : 0;
            if (a[pos + 2] == 0x7b) return;
            long next = pos + size + add;
            if (next <= pos || next > a.length) return;
            pos = (int) next;
        }
    }

    /**
     * Where each header's CRC sits and what it covers, as {pos, crcStart, crcLength} (RAR 4: 16-bit CRC at
     * pos over pos+2..pos+size; RAR 5: CRC32 at pos over the size field and the header).
     */
    static List<int[]> headers(byte[] a) {
        List<int[]> out = new java.util.ArrayList<>();
        boolean v5 = a.length > 7 && a[6] == 1;
        int pos = v5 ? 8 : 7;
        for (int n = 0; n < 1000 && pos + 7 <= a.length; n++) {
            if (v5) {
                int[] p = {pos + 4};
                long size = vint(a, p);
                int body = p[0];
                if (size <= 0 || body + size > a.length) break;
                out.add(new int[] {pos, pos + 4, (int) (body - (pos + 4) + size)});
                long type = vint(a, p), flags = vint(a, p);
                if ((flags & 1) != 0) vint(a, p);
                long data = (flags & 2) != 0 ? vint(a, p) : 0;
                if (type == 5) break;
                pos = (int) (body + size + data);
            } else {
                int flags = u16(a, pos + 3), size = u16(a, pos + 5);
                if (size < 7 || pos + size > a.length) break;
                out.add(new int[] {pos, pos + 2, size - 2});
                long add = a[pos + 2] == 0x74 || (flags & 0x8000) != 0 ? u32(a, pos + 7) : 0;
                if (a[pos + 2] == 0x7b) break;
                pos = (int) (pos + size + add);
            }
            if (pos < 0) break;
        }
        return out;
    }

    /** Recomputes the CRCs of the headers found in the original file after a test changed some header bytes. */
    static void fixCrcs(byte[] a, List<int[]> headers, boolean v5) {
        for (int[] h : headers) {
            CRC32 c = new CRC32();
            c.update(a, h[1], Math.min(h[2], a.length - h[1]));
            long v = c.getValue();
            for (int i = 0; i < (v5 ? 4 : 2); i++) a[h[0] + i] = (byte) (v >> (8 * i));
        }
    }

    private static long vint(byte[] a, int[] p) {
        long v = 0;
        for (int shift = 0; shift < 64 && p[0] < a.length; shift += 7) {
            int x = a[p[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) return v;
        }
        return -1;
    }

    /** Offset of the first RAR 4 file block. */
    static int firstRar4File(byte[] a) {
        int pos = 7;
        while (pos + 7 <= a.length && a[pos + 2] != 0x74) pos += u16(a, pos + 5);
        return pos;
    }

    static int u16(byte[] a, int i) { return (a[i] & 0xff) | (a[i + 1] & 0xff) << 8; }

    static long u32(byte[] a, int i) { return u16(a, i) | (long) u16(a, i + 2) << 16; }
}

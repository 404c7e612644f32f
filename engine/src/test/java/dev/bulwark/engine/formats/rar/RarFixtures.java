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

    /** Offset of the first RAR 4 file block. */
    static int firstRar4File(byte[] a) {
        int pos = 7;
        while (pos + 7 <= a.length && a[pos + 2] != 0x74) pos += u16(a, pos + 5);
        return pos;
    }

    static int u16(byte[] a, int i) { return (a[i] & 0xff) | (a[i + 1] & 0xff) << 8; }

    static long u32(byte[] a, int i) { return u16(a, i) | (long) u16(a, i + 2) << 16; }
}

package dev.bulwark.engine.formats.macho;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;

/**
 * Mach-O universal ("fat") binaries ({@code CL_TYPE_MACHO_UNIBIN}): each architecture slice is scanned as a
 * child, the way ClamAV 1.4's cli_scanmacho_unibin does it. The magic 0xCAFEBABE is shared with Java class
 * files, so an architecture count whose low 16 bits are 39 or more (a class file version) means "not a
 * universal binary"; more than 32 architectures is malformed. A slice header that cannot be read or a slice
 * that starts inside the headers is {@code Heuristics.Broken.Executable} (under --alert-broken) and ends the
 * walk. Slices are cut at the end of the file; a size of 0 means "to the end"; slices starting past the end
 * or of at most 5 bytes are skipped.
 */
public final class MachoUniversalExtractor implements Extractor {
    private static final int FAT_HEADER = 8;
    private static final int FAT_ARCH = 20;
    private static final int JAVA_CLASS_MIN_VERSION = 39; // low 16 bits of "nfat" >= 39: a Java class file
    private static final int MAX_ARCHS = 32;              // ClamAV: more is malformed
    private static final int MIN_SLICE = 6;               // ClamAV does not scan layers of 5 bytes or less
    static final String BROKEN = "Heuristics.Broken.Executable";

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer d = layer.data();
        long len = d.limit();
        if (len < FAT_HEADER) return;
        long magic = u32be(d, 0);
        boolean swap;
        if (magic == 0xcafebabeL) swap = false;
        else if (magic == 0xbebafecaL) swap = true;
        else return;
        long nfat = u32(d, 4, swap);
        if ((nfat & 0xffff) >= JAVA_CLASS_MIN_VERSION) return;
        if (nfat > MAX_ARCHS) {
            ctx.note("Mach-O universal: " + nfat + " architectures (max " + MAX_ARCHS + ")");
            return;
        }
        long at = FAT_HEADER;
        for (int i = 0; i < nfat; i++) {
            if (ctx.stopped()) return;
            if (at + FAT_ARCH > len) {
                ctx.note("Mach-O universal: architecture " + (i + 1) + " header truncated at offset " + at);
                broken(ctx);
                return;
            }
            long offset = u32(d, at + 8, swap);
            long size = u32(d, at + 12, swap);
            at += FAT_ARCH;
            if (offset < at) {
                ctx.note("Mach-O universal: architecture " + (i + 1) + " offset " + offset + " inside the headers");
                broken(ctx);
                return;
            }
            if (offset >= len) continue;
            if (size == 0 || size > len - offset) size = len - offset;
            if (size < MIN_SLICE) continue;
            ByteBuffer slice = d.slice((int) offset, (int) size).asReadOnlyBuffer();
            ChildInfo info = new ChildInfo("", null, size, size, false, i + 1, -1);
            if (!ctx.child(info, slice)) return;
        }
    }

    private static void broken(ExtractContext ctx) {
        if (ctx.options().alert(ScanOptions.Alert.BROKEN)) ctx.heuristic(BROKEN);
    }

    private static long u32be(ByteBuffer d, long off) {
        long v = 0;
        for (int i = 0; i < 4; i++) v = v << 8 | (d.get((int) off + i) & 0xff);
        return v;
    }

    private static long u32(ByteBuffer d, long off, boolean swap) {
        long v = u32be(d, off);
        return swap ? Long.reverseBytes(v) >>> 32 : v;
    }
}

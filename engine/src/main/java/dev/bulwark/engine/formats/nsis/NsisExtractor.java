package dev.bulwark.engine.formats.nsis;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.DictionaryCache;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.SafeStream;
import dev.bulwark.engine.formats.archivecommon.SolidMember;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Nullsoft installer data (CL_TYPE_NULSFT): the layer starts at the installer's first header (flags,
 * 0xDEADBEEF, "NullsoftInst", header size, archive size) and is followed by data blocks. Non-solid
 * archives are a sequence of size-prefixed blocks (bit 31 set: compressed on its own); solid ones
 * are one compressed stream holding size-prefixed blocks. The first block is the installer script
 * header, scanned as plain data; every later block is a file, scanned with type detection. Zlib
 * (raw deflate), LZMA and NSIS's headerless bzip2 variant ({@link NsisBzip2}) are decoded.
 * Solid/non-solid and the method are guessed from the block chain the way ClamAV guesses them.
 */
public final class NsisExtractor implements Extractor {
    static final int FIRST_HEADER = 28;
    private static final byte[] MAGIC = {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde,
            'N', 'u', 'l', 'l', 's', 'o', 'f', 't', 'I', 'n', 's', 't'};
    private static final long COMPRESSED = 0x80000000L;
    /** Files decoded from one solid stream: beyond this count the stream is judged hostile. */
    private static final int MAX_SOLID_FILES = 1 << 16;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (!Bytes.has(b, 0, FIRST_HEADER) || Bytes.indexOf(b, MAGIC, 4, 4 + MAGIC.length) != 4) {
            ctx.note("nsis: no first header");
            return;
        }
        long archive = Bytes.u32le(b, 0x18);
        boolean truncated = archive > b.limit();
        if (truncated) {
            ctx.note("nsis: archive truncated (" + archive + " bytes declared, " + b.limit() + " present)");
            archive = b.limit();
        }
        if (archive < FIRST_HEADER) {
            ctx.note("nsis: archive size " + archive + " smaller than the first header");
            return;
        }
        ByteBuffer body = Bytes.slice(b, FIRST_HEADER, archive - FIRST_HEADER);
        Method first = Method.of(body, 0);
        if (isSolid(body, truncated)) {
            solid(body, first, ctx);
        } else {
            blocks(body, ctx);
        }
    }

    /** ClamAV's guess: a block chain that runs past the archive end means one solid stream. */
    static boolean isSolid(ByteBuffer body, boolean truncated) {
        long n = body.limit();
        long pos = 0;
        int i = 0;
        for (; pos + 4 < n; i++) {
            long size = Bytes.u32le(body, pos);
            pos += 4;
            if ((size & COMPRESSED) != 0) size &= ~COMPRESSED;
            pos += size;
            if (pos > n) return !(truncated && i >= 2);
        }
        return false;
    }

    private static void blocks(ByteBuffer body, ExtractContext ctx) {
        DictionaryCache dictionaries = ctx.dictionaries(); // one LZMA dictionary for all blocks (fuzz19: and layers)
        long pos = 0;
        int n = body.limit();
        for (int fno = 0; pos + 4 <= n && !ctx.stopped(); fno++) {
            if (n - pos == 4) return; // the trailing CRC
            long word = Bytes.u32le(body, pos);
            pos += 4;
            long size = word & ~COMPRESSED;
            if (size == 0) continue;
            if (size > n - pos) {
                ctx.note("nsis: block " + fno + " of " + size + " bytes runs past the archive");
                return;
            }
            ByteBuffer data = Bytes.slice(body, pos, size);
            pos += size;
            ChildInfo info = info(fno, size, -1);
            boolean go;
            if ((word & COMPRESSED) == 0) {
                go = ctx.child(info, data);
            } else {
                Method m = Method.of(data, 0);
                go = Emit.stream(ctx, "nsis", info, m.open(data, ctx, dictionaries), size);
            }
            if (!go) return;
        }
    }

    private static void solid(ByteBuffer body, Method m, ExtractContext ctx) {
        // The whole decoded stream is bounded like one member: the scan may not read more than it allows.
        long allowance = Math.max(0, ctx.limits().maxScanSize());
        try (SafeStream in = new SafeStream(m.open(body, ctx))) {
            byte[] word = new byte[4];
            for (int fno = 0; fno < MAX_SOLID_FILES && !ctx.stopped(); fno++) {
                if (in.readNBytes(word, 0, 4) < 4) break;
                long size = (word[0] & 0xffL) | (word[1] & 0xffL) << 8 | (word[2] & 0xffL) << 16 | (word[3] & 0xffL) << 24;
                if (size == 0) continue;
                if (size > allowance) {
                    ctx.note("nsis: solid block " + fno + " of " + size + " bytes exceeds the scan size");
                    return;
                }
                allowance -= size;
                SolidMember member = new SolidMember(in, size, null);
                if (!Emit.stream(ctx, "nsis", info(fno, -1, size), member, body.limit())) return;
                if (member.skipRest() < 0 || in.failure() != null) break;
            }
            if (in.failure() != null) ctx.note("nsis: solid stream damaged: " + in.failure());
        } catch (IOException e) {
            ctx.note("nsis: " + e);
        }
    }

    /** Block 0 is the script header: ClamAV scans it as raw data, without type recognition. */
    private static ChildInfo info(int fno, long compressed, long declared) {
        String name = fno == 0 ? "headers" : String.format("content.%03d", fno);
        return new ChildInfo(name, fno == 0 ? FileType.BINARY_DATA : null, compressed, declared, false, fno, -1);
    }
}

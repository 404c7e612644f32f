package dev.bulwark.engine.formats.ishield;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.InflaterInputStream;

/**
 * InstallShield "MSI" setup streams (CL_TYPE_ISHIELD_MSI), the payload ClamAV finds inside setup
 * executables by the {@code InstallShield\0} marker. The layer starts at that marker; a 32-byte header
 * follows it (file count, then six words that must be zero), then for every file a 312-byte block (a
 * 260-byte name, a 64-bit stored size) and the stored bytes: each byte has its nibbles swapped and is
 * XORed with the name (itself XORed with a fixed 4-byte key), and the result is a zlib stream.
 */
public final class IshieldMsiExtractor implements Extractor {
    /** Length of "InstallShield\0": the header follows the marker. */
    static final int MARKER = 14;
    static final int HEADER = 0x20;
    /** One file block: name[0x104], two words, 64-bit stored size, nine words. */
    static final int BLOCK = 0x104 + 4 + 4 + 8 + 9 * 4;
    private static final int NAME = 0x104, CSIZE_AT = NAME + 8;
    /** Key bytes the name is XORed with before it becomes the stream key (ClamAV: the complements of 13 35 86 07). */
    private static final byte[] NAME_KEY = {(byte) 0xec, (byte) 0xca, 0x79, (byte) 0xf8};
    /** The stream key repeats with the name, restarting every 1024 bytes. */
    private static final int KEY_PERIOD = 0x400;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        long off = MARKER;
        if (!Bytes.has(b, 0, MARKER) || !"InstallShield\0".equals(Bytes.text(b, 0, MARKER, false))) {
            ctx.note("ishield-msi: no InstallShield marker"); // a layer only typed so by its first bytes
            return;
        }
        if (!Bytes.has(b, off, HEADER)) {
            ctx.note("ishield-msi: header truncated");
            return;
        }
        for (int k = 8; k < HEADER; k += 4) {
            if (Bytes.u32le(b, off + k) != 0) {
                ctx.note("ishield-msi: not a setup stream (reserved header words set)");
                return;
            }
        }
        long count = Bytes.u32le(b, off);
        off += HEADER;
        for (long i = 0; i < count; i++) {
            if (ctx.stopped()) return;
            if (!Bytes.has(b, off, BLOCK)) {
                ctx.note("ishield-msi: file block " + i + " truncated");
                return;
            }
            byte[] name = nameBytes(b, off);
            long csize = Bytes.u64le(b, off + CSIZE_AT);
            off += BLOCK;
            if (csize < 0 || csize > b.limit() - off) {
                ctx.note("ishield-msi: stream " + i + " runs past the end");
                return;
            }
            if (csize > ctx.limits().maxFileSize()) { // as ClamAV: skipped, the next block follows it
                off += csize;
                continue;
            }
            if (name.length == 0) {
                ctx.note("ishield-msi: file " + i + " has no name");
                return;
            }
            String fname = new String(name, java.nio.charset.StandardCharsets.ISO_8859_1);
            ChildInfo info = new ChildInfo(fname, null, csize, -1, false, (int) Math.min(i, Integer.MAX_VALUE), -1);
            InputStream in = new InflaterInputStream(new Deobfuscating(Bytes.slice(b, off, csize), key(name)));
            if (!Emit.stream(ctx, "ishield-msi", info, in, csize)) return;
            off += csize;
        }
    }

    /** The NUL-terminated name of a file block (at most 259 bytes, as ClamAV terminates the field). */
    private static byte[] nameBytes(ByteBuffer b, long off) {
        int n = 0;
        while (n < NAME - 1 && b.get((int) off + n) != 0) n++;
        byte[] out = new byte[n];
        b.get((int) off, out, 0, n);
        return out;
    }

    static byte[] key(byte[] name) {
        byte[] k = name.clone();
        for (int i = 0; i < k.length; i++) k[i] ^= NAME_KEY[i & 3];
        return k;
    }

    /** Undoes the nibble swap and key XOR of one stored stream, byte by byte as it is read. */
    static final class Deobfuscating extends InputStream {
        private final ByteBuffer src;
        private final byte[] key;
        private int index;

        Deobfuscating(ByteBuffer src, byte[] key) {
            this.src = src;
            this.key = key;
        }

        @Override
        public int read() {
            if (!src.hasRemaining()) return -1;
            return decode(src.get()) & 0xFF;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            if (len == 0) return 0;
            int n = Math.min(len, src.remaining());
            if (n == 0) return -1;
            src.get(buf, off, n);
            for (int i = off; i < off + n; i++) buf[i] = decode(buf[i]);
            return n;
        }

        private byte decode(byte v) {
            int c = v & 0xFF;
            c = (c >>> 4 | c << 4) & 0xFF;
            c ^= key[(index++ & (KEY_PERIOD - 1)) % key.length] & 0xFF;
            return (byte) c;
        }
    }
}

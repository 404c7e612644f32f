package dev.bulwark.engine.formats.iso9660;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;

/**
 * ISO 9660 images: the Joliet tree when a Joliet supplementary descriptor exists (Unicode names),
 * else the primary tree. Directories are walked breadth first, each extent once (cycles in crafted
 * images are ignored); file extents are zero-copy slices.
 */
public final class Iso9660Extractor implements Extractor {
    private static final int SECTOR = 2048, FIRST_DESCRIPTOR = 16 * SECTOR;
    /** Volume descriptors examined before giving up on a terminator. */
    static final int MAX_DESCRIPTORS = 64;
    /** Directories walked: bounds work on images with forged trees. */
    static final int MAX_DIRECTORIES = 100_000;
    private static final int FLAG_DIRECTORY = 2;

    private record Dir(long extent, long length, String path) {}

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        try {
            long primary = -1, joliet = -1;
            for (int i = 0; i < MAX_DESCRIPTORS; i++) {
                long d = FIRST_DESCRIPTOR + (long) i * SECTOR;
                if (!Bytes.has(b, d, SECTOR) || !"CD001".equals(Bytes.text(b, d + 1, 5, false))) break;
                int type = Bytes.u8(b, d);
                if (type == 255) break;
                if (type == 1 && primary < 0) primary = d;
                if (type == 2 && joliet < 0 && Bytes.u8(b, d + 88) == '%' && Bytes.u8(b, d + 89) == '/') joliet = d;
            }
            long pvd = joliet >= 0 ? joliet : primary;
            if (pvd < 0) {
                ctx.note("iso9660: no primary volume descriptor");
                return;
            }
            walk(b, pvd, joliet >= 0, ctx);
        } catch (MalformedException e) {
            ctx.note("iso9660: " + e.getMessage());
        }
    }

    private static void walk(ByteBuffer b, long pvd, boolean joliet, ExtractContext ctx) {
        int block = Bytes.u16le(b, pvd + 128);
        if (block != 512 && block != 1024 && block != 2048) throw new MalformedException("bad logical block size " + block, pvd + 128);
        long root = pvd + 156;
        ArrayDeque<Dir> queue = new ArrayDeque<>();
        Set<Long> seen = new HashSet<>();
        queue.add(new Dir(Bytes.u32le(b, root + 2), Bytes.u32le(b, root + 10), ""));
        int position = 0, dirs = 0;
        while (!queue.isEmpty() && !ctx.stopped()) {
            Dir dir = queue.poll();
            if (!seen.add(dir.extent()) || ++dirs > MAX_DIRECTORIES) continue;
            long start = dir.extent() * block, end = Math.min(start + dir.length(), b.limit());
            long p = start;
            while (p < end) {
                int len = Bytes.u8(b, p);
                if (len == 0) { // records do not cross sectors: skip to the next one
                    p = (p / SECTOR + 1) * SECTOR;
                    continue;
                }
                if (len < 34 || !Bytes.has(b, p, len)) break;
                int flags = Bytes.u8(b, p + 25);
                int nlen = Math.min(Bytes.u8(b, p + 32), len - 33);
                long extent = Bytes.u32le(b, p + 2), size = Bytes.u32le(b, p + 10);
                boolean special = nlen == 1 && (Bytes.u8(b, p + 33) == 0 || Bytes.u8(b, p + 33) == 1); // "." and ".."
                if (!special) {
                    String name = name(b, p + 33, nlen, joliet);
                    String path = dir.path() + "/" + name;
                    if ((flags & FLAG_DIRECTORY) != 0) {
                        queue.add(new Dir(extent, size, path));
                    } else {
                        position++;
                        ByteBuffer data = Bytes.slice(b, extent * block, size);
                        ChildInfo info = new ChildInfo(path, null, size, size, false, position, -1);
                        if (data.remaining() < size) ctx.note("iso9660: " + path + " extends past the image");
                        if (size == 0 ? !ctx.announce(info) : !ctx.child(info, data)) return;
                        if (ctx.stopped()) return;
                    }
                }
                p += len;
            }
        }
    }

    private static String name(ByteBuffer b, long off, int len, boolean joliet) {
        if (joliet) {
            byte[] a = new byte[len & ~1];
            b.get((int) off, a, 0, a.length);
            String s = new String(a, StandardCharsets.UTF_16BE);
            int semi = s.indexOf(';');
            return semi >= 0 ? s.substring(0, semi) : s;
        }
        String s = Bytes.text(b, off, len, false);
        int semi = s.indexOf(';');
        return semi >= 0 ? s.substring(0, semi) : s;
    }
}

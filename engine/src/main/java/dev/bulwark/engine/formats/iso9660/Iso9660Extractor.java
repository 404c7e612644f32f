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
 * ISO 9660 images, listed as ClamAV lists them: the primary tree, then the Joliet tree when a Joliet
 * descriptor exists, each depth first; every record (directories included) is reported with its bare
 * name; each file extent is scanned once (zero-copy slice). Each directory extent is entered once per
 * tree, so cycles in crafted images end.
 */
public final class Iso9660Extractor implements Extractor {
    private static final int SECTOR = 2048, FIRST_DESCRIPTOR = 16 * SECTOR;
    /** Volume descriptors examined before giving up on a terminator. */
    static final int MAX_DESCRIPTORS = 64;
    /** Directory nesting followed (ISO 9660 itself allows 8 levels, Rock Ridge/Joliet images go deeper). */
    static final int MAX_DEPTH = 256;
    /** Directories walked per tree: bounds work on images with forged trees. */
    static final int MAX_DIRECTORIES = 100_000;
    private static final int FLAG_DIRECTORY = 2;

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
            if (primary < 0 && joliet < 0) {
                ctx.note("iso9660: no volume descriptor");
                return;
            }
            Set<Long> extracted = new HashSet<>();
            if (primary >= 0 && !walk(b, primary, false, extracted, ctx)) return;
            if (joliet >= 0) walk(b, joliet, true, extracted, ctx);
        } catch (MalformedException e) {
            ctx.note("iso9660: " + e.getMessage());
        }
    }

    /** A directory being listed: where its next record is and where it ends. */
    private static final class Cursor {
        long p;
        final long end;

        Cursor(long p, long end) { this.p = p; this.end = end; }
    }

    /**
     * Lists one tree depth first, as ClamAV does: every record (directories too) is reported with its
     * bare name and position 0; a file extent already scanned through the other tree is only announced.
     */
    private static boolean walk(ByteBuffer b, long pvd, boolean joliet, Set<Long> extracted, ExtractContext ctx) {
        int block = Bytes.u16le(b, pvd + 128);
        if (block != 512 && block != 1024 && block != 2048) throw new MalformedException("bad logical block size " + block, pvd + 128);
        long root = pvd + 156;
        Set<Long> seen = new HashSet<>();
        ArrayDeque<Cursor> stack = new ArrayDeque<>();
        long rootExtent = Bytes.u32le(b, root + 2) * block;
        seen.add(rootExtent);
        stack.push(new Cursor(rootExtent, Math.min(rootExtent + Bytes.u32le(b, root + 10), b.limit())));
        int dirs = 1;
        while (!stack.isEmpty()) {
            if (ctx.stopped()) return false;
            Cursor c = stack.peek();
            if (c.p >= c.end) {
                stack.pop();
                continue;
            }
            int len = Bytes.u8(b, c.p);
            if (len == 0) { // records do not cross sectors: continue in the next one
                c.p = (c.p / SECTOR + 1) * SECTOR;
                continue;
            }
            if (len < 34 || !Bytes.has(b, c.p, len)) {
                stack.pop();
                continue;
            }
            long rec = c.p;
            c.p += len;
            int flags = Bytes.u8(b, rec + 25);
            int nlen = Math.min(Bytes.u8(b, rec + 32), len - 33);
            long extent = Bytes.u32le(b, rec + 2) * block, size = Bytes.u32le(b, rec + 10);
            if (nlen == 1 && (Bytes.u8(b, rec + 33) == 0 || Bytes.u8(b, rec + 33) == 1)) continue; // "." and ".."
            ChildInfo info = new ChildInfo(name(b, rec + 33, nlen, joliet), null, size, size, false, 0, -1);
            if ((flags & FLAG_DIRECTORY) != 0) {
                if (!ctx.announce(info)) return false;
                if (stack.size() < MAX_DEPTH && dirs < MAX_DIRECTORIES && seen.add(extent)) {
                    dirs++;
                    stack.push(new Cursor(extent, Math.min(extent + size, b.limit())));
                }
                continue;
            }
            ByteBuffer data = Bytes.slice(b, extent, size);
            if (data.remaining() < size) ctx.note("iso9660: " + info.name() + " extends past the image");
            boolean go = size == 0 || !extracted.add(extent) ? ctx.announce(info) : ctx.child(info, data);
            if (!go) return false;
        }
        return true;
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

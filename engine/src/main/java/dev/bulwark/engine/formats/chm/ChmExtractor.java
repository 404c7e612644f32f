package dev.bulwark.engine.formats.chm;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Microsoft Compiled HTML Help (ITSF): the PMGL directory listing is parsed here; files of section 0
 * are slices, files of section 1 come from the LZX-compressed content ({@link ContentStream}).
 * Like ClamAV (libmspack), the {@code ::}-prefixed system files are not scanned as members.
 */
public final class ChmExtractor implements Extractor {
    /** Directory entries read; each takes at least 4 bytes of a 4 KiB chunk, so real files stay far below. */
    static final int MAX_ENTRIES = 200_000;
    /** Directory chunks followed. */
    static final int MAX_CHUNKS = 1 << 16;
    static final String CONTENT = "::DataSpace/Storage/MSCompressed/Content";
    static final String CONTROL = "::DataSpace/Storage/MSCompressed/ControlData";
    static final String RESET_TABLE = "::DataSpace/Storage/MSCompressed/Transform/{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}/InstanceData/ResetTable";

    record Entry(String name, int section, long offset, long length) {}

    private record Member(Entry e, int position) {}

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data().order(ByteOrder.LITTLE_ENDIAN);
        try {
            run(b, ctx);
        } catch (MalformedException e) {
            ctx.note("chm: " + e.getMessage());
        }
    }

    private static void run(ByteBuffer b, ExtractContext ctx) {
        if (!"ITSF".equals(Bytes.text(b, 0, 4, false))) throw new MalformedException("no ITSF signature", 0);
        long version = Bytes.u32le(b, 4);
        long dirOff = Bytes.u64le(b, 0x48), dirLen = Bytes.u64le(b, 0x50);
        long content0 = version >= 3 ? Bytes.u64le(b, 0x58) : dirOff + dirLen;
        if (dirOff < 0 || content0 < 0) throw new MalformedException("bad section offsets", 0x48);
        List<Entry> entries = directory(b, dirOff, ctx);
        Map<String, Entry> byName = new HashMap<>();
        for (Entry e : entries) byName.putIfAbsent(e.name(), e);
        // ClamAV (libmspack) lists the non-system files (not directories) in directory order, from 0
        List<Member> files = new ArrayList<>();
        for (Entry e : entries) if (!e.name().startsWith("::") && !e.name().endsWith("/")) files.add(new Member(e, files.size()));
        files.sort(Comparator.comparingInt((Member m) -> m.e().section()).thenComparingLong(m -> m.e().offset()));
        ContentStream lzx = null;
        for (Member m : files) {
            if (ctx.stopped()) return;
            Entry f = m.e();
            ChildInfo info = new ChildInfo(f.name(), null, 0, f.length(), false, m.position(), -1);
            if (f.length() == 0) {
                if (!ctx.announce(info)) return;
                continue;
            }
            if (f.section() == 0) {
                ByteBuffer data = Bytes.slice(b, content0 + f.offset(), f.length());
                if (!ctx.child(info, data) || ctx.stopped()) return;
                continue;
            }
            if (f.section() != 1) {
                if (!ctx.announce(info)) return;
                continue;
            }
            if (lzx == null) {
                try {
                    lzx = ContentStream.open(b, content0, byName.get(CONTENT), byName.get(CONTROL), byName.get(RESET_TABLE));
                } catch (IOException | MalformedException e) {
                    ctx.note("chm: compressed section unusable: " + e.getMessage());
                    lzx = ContentStream.NONE;
                }
            }
            if (lzx == ContentStream.NONE) {
                if (!ctx.announce(info)) return;
                continue;
            }
            if (!Emit.stream(ctx, "chm", info, lzx.window(f.offset(), f.length()), -1)) return;
        }
    }

    /** All PMGL listing entries, following the chunk chain from the first listing chunk. */
    static List<Entry> directory(ByteBuffer b, long dirOff, ExtractContext ctx) {
        if (!"ITSP".equals(Bytes.text(b, dirOff, 4, false))) throw new MalformedException("no ITSP directory", dirOff);
        long headerLen = Bytes.u32le(b, dirOff + 8);
        long chunkSize = Bytes.u32le(b, dirOff + 0x10);
        long first = Bytes.u32le(b, dirOff + 0x20);
        if (chunkSize < 0x14 || chunkSize > 1 << 20) throw new MalformedException("bad chunk size " + chunkSize, dirOff + 0x10);
        long chunks = dirOff + headerLen;
        List<Entry> out = new ArrayList<>();
        long chunk = first;
        for (int visited = 0; chunk != 0xffffffffL && visited < MAX_CHUNKS; visited++) {
            long c = chunks + chunk * chunkSize;
            if (!Bytes.has(b, c, chunkSize) || !"PMGL".equals(Bytes.text(b, c, 4, false))) {
                ctx.note("chm: bad listing chunk " + chunk);
                break;
            }
            long free = Bytes.u32le(b, c + 4);
            long end = c + chunkSize - Math.min(free, chunkSize - 0x14);
            long[] p = {c + 0x14};
            while (p[0] < end && out.size() < MAX_ENTRIES) {
                int nlen = (int) Math.min(encint(b, p), 1 << 12);
                String name = Bytes.text(b, p[0], nlen, true);
                p[0] += nlen;
                int section = (int) Math.min(encint(b, p), Integer.MAX_VALUE);
                long offset = encint(b, p), length = encint(b, p);
                out.add(new Entry(name, section, offset, length));
            }
            long next = Bytes.u32le(b, c + 0x10);
            if (next == chunk) break;
            chunk = next;
        }
        return out;
    }

    /** CHM's variable-length integer: 7 bits per byte, most significant first, high bit continues. */
    static long encint(ByteBuffer b, long[] p) {
        long v = 0;
        for (int i = 0; i < 9; i++) {
            int x = Bytes.u8(b, p[0]++);
            v = v << 7 | (x & 0x7f);
            if ((x & 0x80) == 0) return v;
        }
        throw new MalformedException("ENCINT too long", p[0]);
    }
}

package dev.bulwark.engine.formats.zip;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.DictionaryCache;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * ZIP (and ZIP-SFX, OOXML containers): the central directory when there is one, else a walk over
 * local headers. Members are extracted in data order, duplicates once, as ClamAV's unzip does;
 * overlapping members (non-recursive zip bombs) raise {@code Heuristics.Zip.OverlappingFiles}.
 */
public final class ZipExtractor implements Extractor {
    static final int LOCAL_HEADER_SIZE = 30;
    /** Overlapping pairs tolerated before the bomb heuristic (ClamAV: 5). */
    static final int MAX_OVERLAPPING = 5;
    /** Overlap in bytes ignored, seen in real JAR files (ClamAV: 2). */
    static final int OVERLAP_FUDGE = 2;
    private static final int SIG_DATA_DESCRIPTOR = 0x08074b50;
    private static final byte[] LOCAL_MAGIC = {'P', 'K', 3, 4};
    private static final byte[] DD_MAGIC = {'P', 'K', 7, 8};
    private static final long U32 = 0xffffffffL;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data().order(ByteOrder.LITTLE_ENDIAN);
        try {
            StringBuilder notes = new StringBuilder();
            List<ZipRecord> central = CentralDirectory.read(b, notes);
            if (!notes.isEmpty()) ctx.note(notes.toString().strip());
            if (central != null && !central.isEmpty()) fromCentral(b, central, ctx);
            else fromLocalHeaders(b, ctx);
        } catch (MalformedException e) {
            ctx.note("zip: " + e.getMessage());
        }
    }

    /** A central record joined with the size of its local header (-1 when the local header is bad). */
    /**
     * Ordered by local header offset, then central directory position. Written out rather than with
     * {@code Comparator.comparingLong(...).thenComparingInt(...)}, whose lambdas are not in the AOT caches: spinning
     * them up cost a one-file scan of a small zip ~3 ms of start-up.
     */
    private record Placed(ZipRecord r, long headerSize, long csize) implements Comparable<Placed> {
        long end() { return r.localOffset() + headerSize + csize; }

        @Override
        public int compareTo(Placed o) {
            int c = Long.compare(r.localOffset(), o.r.localOffset());
            return c != 0 ? c : Integer.compare(r.position(), o.r.position());
        }
    }

    private void fromCentral(ByteBuffer b, List<ZipRecord> central, ExtractContext ctx) {
        // (cli15) libclamav's index_the_central_directory stops once it holds MaxFiles records (raising MaxFiles then,
        // at the ZIP, before any member is scanned) and extracts only those: clamscan -a names the last of them
        int maxFiles = ctx.limits().normalize().maxFiles();
        if (central.size() >= maxFiles) {
            central = central.subList(0, maxFiles);
            ctx.limit("MaxFiles");
        }
        // (clamscan -a: ClamAV's unzip reads every member's central header, then its local header, before it extracts any;
        // recorded only when the tree is wanted in detail: a scan without -a or --json decodes no name twice)
        if (ctx.options().childDigests()) listNames(b, central, ctx);
        DictionaryCache dictionaries = ctx.dictionaries(); // (fuzz16) one LZMA/XZ dictionary for all members (fuzz19: and layers)
        List<Placed> placed = new ArrayList<>(central.size());
        for (ZipRecord r : central) {
            long lh = localHeaderSize(b, r.localOffset());
            if (lh < 0) {
                ctx.note("zip: member " + r.position() + " has no local header at " + r.localOffset());
                if (!ctx.announce(info(b, r)) || ctx.stopped()) return;
                continue;
            }
            placed.add(new Placed(asLocal(b, r), lh, sizes(b, r)[0]));
        }
        placed.sort(null);
        if (!overlapOk(placed, ctx)) return;
        Placed prev = null;
        for (Placed p : placed) {
            boolean duplicate = prev != null && prev.r().localOffset() == p.r().localOffset()
                    && prev.headerSize() == p.headerSize() && prev.csize() == p.csize();
            prev = p;
            if (duplicate) continue;
            long[] s = sizes(b, p.r());
            if (!member(b, p.r(), info(b, p.r()), p.r().localOffset() + p.headerSize(), s[0], s[1], ctx, dictionaries)) return;
        }
    }

    /** Every name as ClamAV's metadata callback sees them, for {@link ExtractContext#listed}. */
    private static void listNames(ByteBuffer b, List<ZipRecord> central, ExtractContext ctx) {
        List<String> names = new ArrayList<>(2 * central.size());
        for (ZipRecord r : central) {
            names.add(info(b, r).name());
            if (localHeaderSize(b, r.localOffset()) >= 0) {
                long off = r.localOffset();
                names.add(Bytes.text(b, off + LOCAL_HEADER_SIZE, Math.min(Bytes.u16le(b, off + 26), CentralDirectory.MAX_NAME),
                        (Bytes.u16le(b, off + 6) & ZipRecord.FLAG_UTF8) != 0));
            }
        }
        ctx.listed(names);
    }

    /** ClamAV's non-recursive zip bomb check over records sorted by local offset. */
    private static boolean overlapOk(List<Placed> placed, ExtractContext ctx) {
        int overlapping = 0;
        for (int i = 1; i < placed.size(); i++) {
            Placed a = placed.get(i - 1), c = placed.get(i);
            if (c.r().localOffset() + OVERLAP_FUDGE >= a.end()) continue;
            overlapping++;
            boolean duplicate = a.r().localOffset() == c.r().localOffset() && a.headerSize() == c.headerSize() && a.csize() == c.csize();
            if (!duplicate && overlapping > MAX_OVERLAPPING) {
                ctx.note("zip: overlapping members (zip bomb)");
                if (ctx.options().heuristicAlerts()) ctx.heuristic("Heuristics.Zip.OverlappingFiles");
                return false;
            }
        }
        return true;
    }

    /** Local header length (fixed part, name, extra), or -1 when there is no valid local header. */
    private static long localHeaderSize(ByteBuffer b, long off) {
        if (!Bytes.has(b, off, LOCAL_HEADER_SIZE) || b.getInt((int) off) != CentralDirectory.SIG_LOCAL) return -1;
        long size = LOCAL_HEADER_SIZE + (long) Bytes.u16le(b, off + 26) + Bytes.u16le(b, off + 28);
        return Bytes.has(b, off, size) ? size : -1;
    }

    /**
     * The central record with the local header's flags and method, which ClamAV's unzip extracts by (and
     * whose encryption bit it reports): a central directory claiming "encrypted" or an unknown method for
     * a member stored plainly must not hide that member.
     */
    private static ZipRecord asLocal(ByteBuffer b, ZipRecord r) {
        long off = r.localOffset();
        int flags = Bytes.u16le(b, off + 6), method = Bytes.u16le(b, off + 8);
        if (flags == r.flags() && method == r.method()) return r;
        return new ZipRecord(r.position(), flags, method, r.compressedSize(), r.size(), r.crc32(), off, r.nameOffset(), r.nameLength());
    }

    /** {compressed, uncompressed} as extraction uses them: the local header's unless it defers to the central one. */
    private static long[] sizes(ByteBuffer b, ZipRecord r) {
        long off = r.localOffset();
        int flags = Bytes.u16le(b, off + 6);
        long cs = Bytes.u32le(b, off + 18), us = Bytes.u32le(b, off + 22);
        if ((flags & ZipRecord.FLAG_DATA_DESCRIPTOR) != 0 || cs == U32 || us == U32) return new long[] {r.compressedSize(), r.size()};
        return new long[] {cs, us};
    }

    private static ChildInfo info(ByteBuffer b, ZipRecord r) {
        String name = Bytes.text(b, r.nameOffset(), r.nameLength(), (r.flags() & ZipRecord.FLAG_UTF8) != 0);
        return new ChildInfo(name, null, r.compressedSize(), r.size(), r.encrypted(), r.position(), r.crc32());
    }

    /** Extracts one member; returns false when the extractor must stop. */
    private static boolean member(ByteBuffer b, ZipRecord r, ChildInfo info, long dataStart, long csize, long size, ExtractContext ctx,
                                  DictionaryCache dictionaries) {
        if (ctx.stopped()) return false;
        if (r.encrypted()) return Emit.encrypted(ctx, info, "Heuristics.Encrypted.Zip");
        if (csize <= 0 || (r.flags() & ZipRecord.FLAG_MASKED_HEADERS) != 0) return ctx.announce(info) && !ctx.stopped();
        if (!ZipMethods.supported(r.method())) {
            ctx.note("zip: member " + r.position() + " uses unsupported method " + r.method());
            return ctx.announce(info) && !ctx.stopped();
        }
        ByteBuffer data = Bytes.slice(b, dataStart, csize);
        if (data.remaining() < csize) ctx.note("zip: member " + r.position() + " is truncated");
        // Like ClamAV's unzip, a member over the max file size is cut there and its head scanned.
        if (r.method() == ZipMethods.STORED) return ctx.child(info, head(data, ctx.limits().maxFileSize())) && !ctx.stopped();
        InputStream in;
        try {
            in = ZipMethods.open(r.method(), r.flags(), data, size, dictionaries);
        } catch (IOException | RuntimeException e) {
            ctx.note("zip: member " + r.position() + ": " + e.getMessage());
            return ctx.announce(info) && !ctx.stopped();
        }
        return Emit.stream(ctx, "zip", info, in, data.remaining(), true);
    }

    private static ByteBuffer head(ByteBuffer data, long max) {
        return data.remaining() <= max ? data : data.slice(data.position(), (int) max);
    }

    /** No central directory: follow local headers from the first one (which may follow an SFX stub). */
    private static void fromLocalHeaders(ByteBuffer b, ExtractContext ctx) {
        DictionaryCache dictionaries = ctx.dictionaries();
        int off = Bytes.indexOf(b, LOCAL_MAGIC, 0, b.limit());
        int position = 0;
        while (off >= 0 && Bytes.has(b, off, LOCAL_HEADER_SIZE) && b.getInt(off) == CentralDirectory.SIG_LOCAL) {
            if (position >= CentralDirectory.MAX_RECORDS) {
                ctx.note("zip: more than " + CentralDirectory.MAX_RECORDS + " local headers, rest ignored");
                return;
            }
            int flags = Bytes.u16le(b, off + 6);
            int method = Bytes.u16le(b, off + 8);
            long crc = Bytes.u32le(b, off + 14);
            long cs = Bytes.u32le(b, off + 18);
            long us = Bytes.u32le(b, off + 22);
            int nlen = Bytes.u16le(b, off + 26);
            int elen = Bytes.u16le(b, off + 28);
            long dataStart = (long) off + LOCAL_HEADER_SIZE + nlen + elen;
            if (!Bytes.has(b, off, dataStart - off)) {
                ctx.note("zip: local header at " + off + " runs past the end");
                return;
            }
            long[] z = CentralDirectory.zip64(b, off + LOCAL_HEADER_SIZE + nlen, elen, us, cs, 0);
            us = z[0];
            cs = z[1];
            long next;
            if ((flags & ZipRecord.FLAG_DATA_DESCRIPTOR) != 0 && (cs == 0 || cs == U32)) {
                int dd = Bytes.indexOf(b, DD_MAGIC, (int) dataStart, b.limit());
                cs = (dd < 0 ? b.limit() : dd) - dataStart;
                next = dd < 0 ? b.limit() : dd + 16;
                if (dd >= 0 && Bytes.has(b, dd, 16) && b.getInt(dd) == SIG_DATA_DESCRIPTOR) {
                    crc = Bytes.u32le(b, dd + 4);
                    us = Bytes.u32le(b, dd + 12);
                }
            } else {
                if (cs < 0) cs = b.limit() - dataStart;
                next = dataStart + cs;
                if ((flags & ZipRecord.FLAG_DATA_DESCRIPTOR) != 0) next += Bytes.has(b, next, 4) && b.getInt((int) next) == SIG_DATA_DESCRIPTOR ? 16 : 12;
            }
            position++;
            ZipRecord r = new ZipRecord(position, flags, method, cs, us, crc, off, off + LOCAL_HEADER_SIZE, Math.min(nlen, CentralDirectory.MAX_NAME));
            if (!member(b, r, info(b, r), dataStart, cs, us, ctx, dictionaries)) return;
            if (next <= off || next >= b.limit()) return;
            off = (int) next;
            if (!Bytes.has(b, off, 4) || b.getInt(off) != CentralDirectory.SIG_LOCAL) off = Bytes.indexOf(b, LOCAL_MAGIC, off, b.limit());
        }
    }
}

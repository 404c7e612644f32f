package dev.bulwark.engine.formats.udf;

import static dev.bulwark.engine.formats.udf.Descriptors.BLOCK;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * CL_TYPE_UDF: UDF (ECMA-167) disk images, read the way ClamAV 1.4's UDF parser reads them, so that
 * the same files are scanned. That parser does not follow the anchor's pointers or the directory
 * tree; it walks the image block by block from the volume recognition sequence:
 *
 * <ol>
 *   <li>three 2048-byte volume structure descriptors at {@value #VRS_OFFSET} (present, any content);</li>
 *   <li>skipping all-zero blocks before each, exactly this descriptor sequence: primary volume,
 *       implementation use, logical volume (block size), partition (number, start), unallocated space,
 *       terminating, logical volume integrity, terminating, anchor; then a file set descriptor if next;</li>
 *   <li>then block by block: a block starting with a file identifier descriptor contributes the
 *       identifiers packed in it, one starting with a file entry the entries packed in it (each only
 *       when it ends inside the block); extended file entries, terminating and zero tags are skipped;</li>
 *   <li>the first block with any other tag ends the volume: the i-th entry is paired with the i-th
 *       identifier; pairs whose identifier is a directory are skipped, every other file is scanned
 *       from its entry's single allocation descriptor (short, long or extended, by the ICB flags).
 *       An entry with embedded data, several descriptors, a foreign partition, or data outside the
 *       image ends the scan of the image, as in ClamAV;</li>
 *   <li>a further volume is read only when a primary volume descriptor follows that block.</li>
 * </ol>
 *
 * Files are zero-copy views of the image and named by their paired identifier. Offsets are computed
 * in 32 bits as ClamAV computes them. Work is linear in the image size; the identifiers and entries
 * remembered per volume are capped.
 */
public final class UdfExtractor implements Extractor {
    /** The volume recognition sequence must start here (16 sectors of 2048 bytes) for ClamAV to parse the image. */
    public static final int VRS_OFFSET = 16 * BLOCK;
    /** The marker of ClamAV's UDF file-type rule: a volume structure descriptor of type 0 named "BEA01". */
    public static final byte[] MARKER = {0, 'B', 'E', 'A', '0', '1'};
    private static final int RECOGNITION_DESCRIPTORS = 3;
    /** Descriptors of the volume sequence, in the order ClamAV requires them (before the optional file set). */
    private static final int[] VOLUME_SEQUENCE = {Descriptors.PRIMARY_VOLUME, Descriptors.IMPLEMENTATION_USE,
            Descriptors.LOGICAL_VOLUME, Descriptors.PARTITION, Descriptors.UNALLOCATED_SPACE, Descriptors.TERMINATING,
            Descriptors.INTEGRITY, Descriptors.TERMINATING, Descriptors.ANCHOR};
    /**
     * Identifiers (and, separately, entries) remembered per volume. A 2 GiB image of packed 40-byte
     * identifiers would hold ~50 million; far more files than MaxFiles lets through are never needed.
     */
    static final int MAX_ENTRIES = 1 << 20;

    /** Parses the image of the layer from the recognition sequence at {@value #VRS_OFFSET}. */
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (Bytes.indexOf(b, MARKER, VRS_OFFSET, VRS_OFFSET + MARKER.length) != VRS_OFFSET) {
            ctx.note("udf: no volume recognition sequence at " + VRS_OFFSET);
            return;
        }
        scan(b, VRS_OFFSET, ctx);
    }

    /**
     * Parses an image whose volume recognition sequence starts at {@code vrs} (where the file-type rule
     * matched); positions read from the image stay relative to the start of {@code b}, as in ClamAV.
     * Nothing happens below {@value #VRS_OFFSET}: 16 sectors must precede the sequence.
     */
    public static void scan(ByteBuffer b, long vrs, ExtractContext ctx) {
        if (vrs < VRS_OFFSET || !Bytes.has(b, vrs, (long) RECOGNITION_DESCRIPTORS * BLOCK)) return;
        try {
            long idx = vrs + (long) RECOGNITION_DESCRIPTORS * BLOCK;
            boolean first = true;
            while (idx >= 0 && !ctx.stopped()) {
                idx = volume(b, idx, first, ctx);
                first = false;
            }
        } catch (MalformedException e) {
            ctx.note("udf: " + e.getMessage());
        }
    }

    /** One volume from its descriptor sequence at {@code idx}; the position of the next volume, or -1 at the end. */
    private static long volume(ByteBuffer b, long idx, boolean first, ExtractContext ctx) {
        long lvd = -1, pd = -1;
        for (int want : VOLUME_SEQUENCE) {
            idx = skipZeroBlocks(b, idx);
            if (idx < 0 || Descriptors.tag(b, idx) != want) {
                if (first || want != Descriptors.PRIMARY_VOLUME) ctx.note("udf: expected descriptor " + want + " at " + Math.max(idx, 0));
                return -1;
            }
            if (want == Descriptors.LOGICAL_VOLUME) lvd = idx;
            if (want == Descriptors.PARTITION) pd = idx;
            idx += BLOCK;
        }
        long fsd = skipZeroBlocks(b, idx);
        if (fsd < 0) return -1;
        idx = Descriptors.tag(b, fsd) == Descriptors.FILE_SET ? fsd + BLOCK : fsd;
        Volume v = new Volume(Bytes.u32le(b, lvd + Descriptors.LVD_BLOCK_SIZE), Bytes.u32le(b, pd + Descriptors.PD_START),
                Bytes.u16le(b, pd + Descriptors.PD_NUMBER));
        Offsets fids = new Offsets(), entries = new Offsets();
        for (; Bytes.has(b, idx, BLOCK); idx += BLOCK) {
            switch (Descriptors.tag(b, idx)) {
                case Descriptors.FILE_IDENTIFIER -> collect(b, idx, Descriptors.FILE_IDENTIFIER, Descriptors.FID_FIXED, fids);
                case Descriptors.FILE_ENTRY -> collect(b, idx, Descriptors.FILE_ENTRY, Descriptors.FE_FIXED, entries);
                case Descriptors.EXTENDED_FILE_ENTRY, Descriptors.TERMINATING, 0 -> { } // not read by ClamAV either
                default -> {
                    int n = Math.min(fids.size, entries.size);
                    for (int i = 0; i < n; i++) {
                        if (ctx.stopped() || !file(b, entries.at[i], fids.at[i], i + 1, v, ctx)) return -1;
                    }
                    return idx + BLOCK;
                }
            }
        }
        ctx.note("udf: image ends inside the file descriptors; nothing scanned"); // as in ClamAV
        return -1;
    }

    /** Block size, partition start block and partition number of a volume. */
    private record Volume(long blockSize, long partitionStart, int partitionNumber) {}

    /** Records the descriptors of type {@code tag} packed from the start of the block at {@code block}. */
    private static void collect(ByteBuffer b, long block, int tag, int fixed, Offsets out) {
        long p = block;
        while (true) {
            long size = tag == Descriptors.FILE_IDENTIFIER ? Descriptors.fidSize(b, p) : Descriptors.feSize(b, p);
            long used = p - block;
            if (size + used > BLOCK) return;
            out.add(p);
            if (size + used + fixed > BLOCK) return;
            p += size;
            if (Descriptors.tag(b, p) != tag) return;
        }
    }

    /**
     * Scans the file of one entry / identifier pair ({@code position}: 1-based index of the pair); false when the image ends here (a descriptor
     * ClamAV cannot use, data outside the image, or the scan stops).
     */
    private static boolean file(ByteBuffer b, long entry, long fid, int position, Volume v, ExtractContext ctx) {
        if ((Bytes.u8(b, fid + Descriptors.FID_CHARACTERISTICS) & Descriptors.FID_DIRECTORY) != 0) return true;
        long adLength = Bytes.u32le(b, entry + Descriptors.FE_AD_LENGTH);
        long ad = entry + Descriptors.FE_FIXED + Bytes.u32le(b, entry + Descriptors.FE_EA_LENGTH);
        long base = u32(v.partitionStart * v.blockSize);
        long offset, length;
        switch (Bytes.u16le(b, entry + Descriptors.FE_ICB_FLAGS) & 3) {
            case 0 -> { // short: position relative to the partition
                if (adLength != Descriptors.SHORT_AD) return fail(ctx, entry, "short allocation descriptor length " + adLength);
                length = Bytes.u32le(b, ad);
                offset = u32(base + u32(Bytes.u32le(b, ad + 4) * v.blockSize));
            }
            case 1, 2 -> { // long / extended: the block number follows a partition reference (ClamAV adds the start twice)
                boolean ext = (Bytes.u16le(b, entry + Descriptors.FE_ICB_FLAGS) & 3) == 2;
                int want = ext ? Descriptors.EXT_AD : Descriptors.LONG_AD;
                if (adLength != want) return fail(ctx, entry, "allocation descriptor length " + adLength);
                long location = ad + (ext ? 12 : 4);
                length = Bytes.u32le(b, ad + (ext ? 4 : 0));
                if (Bytes.u16le(b, location + 4) != v.partitionNumber) return fail(ctx, entry, "file in another partition");
                offset = u32(u32(base + u32(Bytes.u32le(b, location) * v.blockSize)) + v.partitionStart);
            }
            default -> { return fail(ctx, entry, "data embedded in the file entry"); }
        }
        if (length == 0 || !Bytes.has(b, offset, length)) return fail(ctx, entry, "data of " + length + " bytes at " + offset + " outside the image");
        return ctx.child(new ChildInfo(Descriptors.name(b, fid), null, length, length, false, position, -1), Bytes.slice(b, offset, length));
    }

    private static boolean fail(ExtractContext ctx, long entry, String why) {
        ctx.note("udf: file entry at " + entry + ": " + why);
        return false;
    }

    private static long u32(long v) {
        return v & 0xFFFF_FFFFL;
    }

    /** The first block at or after {@code idx} that is not all zeros, or -1 when the image ends first. */
    private static long skipZeroBlocks(ByteBuffer b, long idx) {
        for (; Bytes.has(b, idx, BLOCK); idx += BLOCK) {
            int p = (int) idx, end = p + BLOCK;
            while (p < end && b.get(p) == 0) p++;
            if (p < end) return idx;
        }
        return -1;
    }

    /** Growable list of descriptor positions, capped at {@link #MAX_ENTRIES}. */
    private static final class Offsets {
        int[] at = new int[64];
        int size;

        void add(long p) {
            if (size == MAX_ENTRIES) return;
            if (size == at.length) at = Arrays.copyOf(at, size * 2);
            at[size++] = (int) p;
        }
    }
}

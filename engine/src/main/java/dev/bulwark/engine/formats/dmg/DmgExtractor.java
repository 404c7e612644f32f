package dev.bulwark.engine.formats.dmg;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * CL_TYPE_DMG: Apple disk images (UDIF). The "koly" trailer in the last 512 bytes points at an XML
 * property list; its {@code resource-fork / blkx} entries hold base64 "mish" tables that describe
 * each partition as runs of sectors (zero fill, stored, ADC, zlib, bzip2). As ClamAV does, the XML is
 * scanned as a child first, then every partition is rebuilt in sector order and scanned as
 * CL_TYPE_PART_ANY. A partition whose runs are corrupt or point past the XML is not scanned and ends
 * the image; one larger than the member budget is reported as over the limit.
 */
public final class DmgExtractor implements Extractor {
    static final int TRAILER = 512, SECTOR = 512;
    private static final int KOLY = 0x6b6f6c79, XML_OFFSET = 216, XML_LENGTH = 224;

    /** True when the last 512 bytes start with the "koly" trailer magic (ClamAV's rule at EOF-512). */
    public static boolean hasTrailer(ByteBuffer b) {
        int n = b.limit();
        return n > TRAILER && b.get(n - TRAILER) == 'k' && b.get(n - TRAILER + 1) == 'o' && b.get(n - TRAILER + 2) == 'l'
                && b.get(n - TRAILER + 3) == 'y';
    }

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data().duplicate().order(ByteOrder.BIG_ENDIAN);
        int n = b.limit();
        if (n <= TRAILER || b.getInt(n - TRAILER) != KOLY) return;
        long xmlOff = b.getLong(n - TRAILER + XML_OFFSET), xmlLen = b.getLong(n - TRAILER + XML_LENGTH);
        if (xmlOff < 0 || xmlLen <= 0 || xmlLen > n || xmlOff > n - xmlLen) {
            ctx.note("dmg: property list outside the image");
            return;
        }
        ByteBuffer xml = b.slice((int) xmlOff, (int) xmlLen);
        if (!ctx.child(ChildInfo.named("toc.xml", 1), xml)) return;
        List<Mish> partitions = Plist.mishBlocks(xml, ctx);
        int index = 0;
        for (Mish m : partitions) {
            if (ctx.stopped() || !partition(b, (int) xmlOff, m, index++, ctx)) return;
        }
    }

    /** Rebuilds and scans one partition; false when the image ends here (corrupt, or stop). */
    private static boolean partition(ByteBuffer b, int xmlOff, Mish m, int index, ExtractContext ctx) {
        long total = 0;
        boolean data = false;
        for (Mish.Run r : m.runs()) {
            if (r.dataOffset() < 0 || r.dataOffset() > xmlOff || r.dataLength() < 0 || r.dataLength() > xmlOff - r.dataOffset()) {
                ctx.note("dmg: partition " + index + " points past the property list");
                return false;
            }
            switch (r.type()) {
                case Stripes.STORED, Stripes.ADC, Stripes.DEFLATE, Stripes.BZIP2 -> data = true;
                case Stripes.ZEROES_EMPTY, Stripes.ZEROES -> { }
                default -> { continue; }
            }
            if (r.sectorCount() < 0 || total + r.sectorCount() < total) {
                ctx.note("dmg: partition " + index + " sector count overflows");
                return false;
            }
            total += r.sectorCount();
        }
        if (!data || total == 0) return true;
        if (total > ctx.budget() / SECTOR) {
            ctx.note("dmg: partition " + index + " of " + total + " sectors is over the size limit");
            return ctx.announce(new ChildInfo("dmg" + index, FileType.PART_ANY, -1, total * SECTOR, false, index + 1, -1));
        }
        ByteSink out = new ByteSink(total * SECTOR + SECTOR);
        for (Mish.Run r : m.sortedRuns()) {
            ByteBuffer in = b.slice((int) r.dataOffset(), (int) r.dataLength());
            long expected = r.sectorCount() * SECTOR;
            boolean ok = switch (r.type()) {
                case Stripes.ZEROES_EMPTY, Stripes.ZEROES -> { Stripes.zeroes(expected, out); yield true; }
                case Stripes.STORED -> { out.put(in, 0, in.limit()); yield true; }
                case Stripes.ADC -> r.dataLength() == 0 || Stripes.adc(in, expected, out);
                case Stripes.DEFLATE -> r.dataLength() == 0 || Stripes.inflate(in, expected, out);
                case Stripes.BZIP2 -> Stripes.bzip2(in, expected, out);
                default -> true;
            };
            if (!ok) {
                ctx.note("dmg: partition " + index + " has a corrupt run");
                return false;
            }
        }
        return ctx.child(new ChildInfo("dmg" + index, FileType.PART_ANY, -1, total * SECTOR, false, index + 1, -1), out.view());
    }
}

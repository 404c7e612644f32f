package dev.bulwark.engine;

import dev.bulwark.engine.exe.ExeInfo;
import dev.bulwark.engine.filetype.EmbeddedTypeFinder;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.filetype.HtmlMarkers;
import dev.bulwark.engine.filetype.MailMarkers;
import dev.bulwark.engine.filetype.MarkerCandidates;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Extractors;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.dmg.DmgExtractor;
import dev.bulwark.engine.formats.ishield.IshieldOverlay;
import dev.bulwark.engine.formats.udf.UdfExtractor;
import dev.bulwark.engine.formats.zip.ZipLocalEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ClamAV's embedded-object step of the raw scan (clamav-notes §5.1 step 5), in one place: the objects
 * {@link EmbeddedTypeFinder} finds inside a layer are opened from their offset to the end of the layer.
 *
 * <ul>
 *   <li>ZIP-, RAR-, CAB-, ARJ- and 7z-SFX hits open a view of the parent's bytes typed ZIP (one local
 *       entry), RAR, MSCAB, ARJ or 7Z and hand it to that extractor directly. As in ClamAV the view itself
 *       is not matched (it is the parent's bytes again); its members are scanned as usual.</li>
 *   <li>NSIS, AutoIt and InstallShield-MSI hits do the same inside executables only, with the types
 *       NULSFT (starting 4 bytes before the hit), AUTOIT and ISHIELD_MSI; nothing happens when no
 *       extractor is registered for the type.</li>
 *   <li>An ISO 9660 descriptor pair re-types the layer and lists the image from its base.</li>
 *   <li>A UDF "\0BEA01" descriptor starting in the first 32 KiB (ClamAV's rule {@code 0,32768}) re-types the
 *       layer; only one starting at 32768 (after 16 sectors) opens the image.</li>
 *   <li>In MSEXE and MSOLE2 layers, the first "MZ…PE" hit whose PE header parses becomes a new layer
 *       running to the end of the parent (matched and searched like any file, bounded by MaxEmbeddedPE),
 *       and the remaining hits are left to that layer.</li>
 *   <li>MHTML / mail header pairs ({@link MailMarkers}) in a text or binary layer re-type it and parse it as mail.</li>
 *   <li>HTML tags ({@link HtmlMarkers}) anywhere in ASCII text re-type it as HTML and add the normalised views.</li>
 *   <li>A DMG "koly" trailer in the last 512 bytes re-types the layer and opens the image.</li>
 *   <li>Then, for executables, an InstallShield setup stream in the overlay ({@link IshieldOverlay}).</li>
 * </ul>
 */
final class EmbeddedObjects {
    /** Layer types ClamAV's raw scan does not search for embedded types (they are opened as archives). */
    private static final boolean[] NO_RECOGNITION = ScanJob.typeSet(FileType.GZ, FileType.CPIO_OLD, FileType.ZIP,
            FileType.ZIPSFX, FileType.ARJSFX, FileType.RARSFX, FileType.EGGSFX, FileType.CABSFX, FileType.SEVENZIPSFX,
            FileType.OLD_TAR, FileType.POSIX_TAR, FileType.HTML, FileType.IGNORED);
    /** Layer types ClamAV re-types from the raw scan's MHTML and XML markers (TEXT_ASCII .. BINARY_DATA). */
    private static final boolean[] TEXT_OR_BINARY = ScanJob.typeSet(FileType.TEXT_ASCII, FileType.TEXT_UTF8,
            FileType.TEXT_UTF16LE, FileType.TEXT_UTF16BE, FileType.BINARY_DATA);
    /** Sector size the ISO 9660 extractor reads; images with other sector sizes are left alone. */
    private static final int ISO_SECTOR = 2048;
    /** Hits by end offset (a lambda of this class: the JDK's inside Comparator.comparingInt is not AOT-cached). */
    private static final java.util.Comparator<EmbeddedTypeFinder.Hit> BY_END = (a, b) -> Integer.compare(a.end(), b.end());
    /** Types of hits {@link #open} handles (user {@code .ftm} type-1 rules may add hits of these types). */
    private static final boolean[] OPENED = ScanJob.typeSet(FileType.ZIPSFX, FileType.RARSFX, FileType.CABSFX, FileType.ARJSFX,
            FileType.SEVENZIPSFX, FileType.NULSFT, FileType.AUTOIT, FileType.ISHIELD_MSI, FileType.ISO9660, FileType.UDF);
    private static final Extractor ZIP_ENTRY = new ZipLocalEntry();

    private EmbeddedObjects() {}

    /** Runs the step for one layer after its raw scan. */
    static void scan(ScanJob job, LayerImpl l) {
        var candidates = l.embedded; // found by the raw pass, or null: the finder reads the layer
        l.embedded = null;
        if (job.stop || ScanJob.in(NO_RECOGNITION, l.type) || l.data.limit() <= ScanJob.TINY) return;
        boolean pe = (l.type == FileType.MSEXE || l.type == FileType.MSOLE2) && job.opt.enabled(ScanOptions.Parser.PE);
        boolean carved = false;
        // the marker searches' candidates from the same pass (null: they read the layer)
        MarkerCandidates markers = candidates != null ? candidates.markers(l.data) : null;
        List<EmbeddedTypeFinder.Hit> hits = hits(job, l, pe, candidates, markers);
        for (EmbeddedTypeFinder.Hit h : hits) {
            if (job.stop || job.timeUp()) return;
            if (h.offset() == 0) continue;
            if (h.type() == FileType.MSEXE) {
                if (carved = carvePe(job, l, h.offset())) break;
                continue;
            }
            open(job, l, h);
        }
        boolean builtinRules = !carved && job.sigs.magic == null; // the re-typing rules below are built in
        // MHTML markers anywhere in a text or binary layer, or MAIL markers near the start of ASCII text:
        // the layer is parsed as mail
        if (builtinRules && !job.stop && ScanJob.in(TEXT_OR_BINARY, l.type) && job.parserEnabled(FileType.MAIL)) {
            FileType mailType = MailMarkers.find(l.data, l.type == FileType.TEXT_ASCII, markers);
            if (mailType != null) retype(job, l, mailType, Extractors.forType(mailType), l.data);
        }
        // HTML markers anywhere in ASCII text, when no higher-ranking type was found: its normalised views
        if (builtinRules && !job.stop && l.type == FileType.TEXT_ASCII && hits.isEmpty()
                && job.opt.enabled(ScanOptions.Parser.HTML) && HtmlMarkers.find(l.data, markers)) {
            l.type = FileType.HTML; // ClamAV re-types the layer
            job.htmlViews(l);
        }
        // the "koly" rule at EOF-512 is the last hit of a layer, whatever its type
        if (builtinRules && !job.stop && DmgExtractor.hasTrailer(l.data) && job.parserEnabled(FileType.DMG)) {
            retype(job, l, FileType.DMG, Extractors.forType(FileType.DMG), l.data);
        }
        if (!job.stop && l.type == FileType.MSEXE && job.parserEnabled(FileType.ISHIELD_MSI)) overlay(job, l);
    }

    private static List<EmbeddedTypeFinder.Hit> hits(ScanJob job, LayerImpl l, boolean pe,
                                                     dev.bulwark.engine.filetype.EmbeddedCandidates candidates,
                                                     MarkerCandidates markers) {
        // ClamAV's built-in table, and with it these rules, is replaced when a .ftm brings literal (type 0) magic
        List<EmbeddedTypeFinder.Hit> hits = job.sigs.magic == null
                ? EmbeddedTypeFinder.find(l.data, pe, job.lim.maxFiles(), candidates) : new ArrayList<>();
        if (job.sigs.magic == null) hits = withUdf(l.data, hits, markers);
        if (!job.sigs.magicPatternRules.isEmpty()) {
            List<EmbeddedTypeFinder.Hit> extra = new ArrayList<>();
            FileType cur = l.type;
            job.sigs.magicPatterns.scan(l.data, 1, null, (p, owner, s, e) -> {
                var r = job.sigs.magicPatternRules.get(owner);
                boolean embedded = r.result() == FileType.MSEXE ? pe : ScanJob.in(OPENED, r.result());
                if (embedded && (r.required() == FileType.ANY || r.required() == cur) && extra.size() < EmbeddedTypeFinder.MAX_OBJECTS) {
                    extra.add(new EmbeddedTypeFinder.Hit(r.result(), s, e));
                }
                return -1;
            });
            if (!extra.isEmpty()) {
                hits = new ArrayList<>(hits);
                hits.addAll(extra);
                hits.sort(BY_END);
            }
        }
        return hits;
    }

    /**
     * Adds the hits of ClamAV's UDF rule ({@code 1:0,32768:004245413031}: the marker starting at 0..32768)
     * to the built-in hits, in order of their end, within the per-layer cap.
     */
    static List<EmbeddedTypeFinder.Hit> withUdf(java.nio.ByteBuffer d, List<EmbeddedTypeFinder.Hit> hits, MarkerCandidates c) {
        int last = Math.min(UdfExtractor.VRS_OFFSET, d.limit() - UdfExtractor.MARKER.length);
        // the kernel pass's candidates (they cover starts up to UDF_LAST), unless more were found than kept
        int kept = c != null && UdfExtractor.VRS_OFFSET <= MarkerCandidates.UDF_LAST ? c.udfCount() : -1;
        List<EmbeddedTypeFinder.Hit> out = null;
        for (int at = nextUdf(d, 0, last, c, kept); at >= 0; at = nextUdf(d, at + 1, last, c, kept)) {
            if (out == null) out = new ArrayList<>(hits);
            if (out.size() >= EmbeddedTypeFinder.MAX_OBJECTS) break;
            out.add(new EmbeddedTypeFinder.Hit(FileType.UDF, at, at + UdfExtractor.MARKER.length));
        }
        if (out == null) return hits;
        out.sort(BY_END);
        return out;
    }

    /**
     * The next start of the UDF marker in {@code [from, last]}, or -1: among the first {@code kept} candidates of
     * {@code c} (ascending; at most a few dozen) when {@code kept >= 0}, else by searching the layer.
     */
    private static int nextUdf(java.nio.ByteBuffer d, int from, int last, MarkerCandidates c, int kept) {
        if (kept < 0) return udfMarker(d, from, last);
        for (int k = 0; k < kept; k++) {
            int p = c.udfAt(k);
            if (p > last) return -1;
            if (p >= from && markerAt(d, p)) return p;
        }
        return -1;
    }

    /** Whether the UDF marker starts at {@code p} (its bytes lie within the layer). */
    private static boolean markerAt(java.nio.ByteBuffer d, int p) {
        byte[] m = UdfExtractor.MARKER;
        if (p < 0 || p > d.limit() - m.length) return false;
        for (int k = 0; k < m.length; k++) if (d.get(p + k) != m[k]) return false;
        return true;
    }

    /** The next start of the UDF marker in {@code [from, last]}, found by its 'B' (its first byte, 0, is too common). */
    private static int udfMarker(java.nio.ByteBuffer d, int from, int last) {
        return dev.bulwark.engine.filetype.ByteScan.find(d, from, last, UdfExtractor.MARKER, 1);
    }

    /** Opens one SFX / installer / image hit; returns quietly when the parent type or options rule it out. */
    private static void open(ScanJob job, LayerImpl l, EmbeddedTypeFinder.Hit h) {
        FileType t = l.type;
        int off = h.offset();
        switch (h.type()) {
            case ZIPSFX -> view(job, l, off, FileType.ZIP, ZIP_ENTRY);
            case RARSFX -> { if (t != FileType.RAR) view(job, l, off, FileType.RAR, null); }
            case CABSFX -> { if (t != FileType.MSCAB) view(job, l, off, FileType.MSCAB, null); }
            case ARJSFX -> { if (t != FileType.ARJ) view(job, l, off, FileType.ARJ, null); }
            case SEVENZIPSFX -> { if (t != FileType.SEVENZIP) view(job, l, off, FileType.SEVENZIP, null); }
            case NULSFT -> { if (t == FileType.MSEXE && off > 4) view(job, l, off - 4, FileType.NULSFT, null); }
            case AUTOIT -> { if (t == FileType.MSEXE) view(job, l, off, FileType.AUTOIT, null); }
            case ISHIELD_MSI -> { if (t == FileType.MSEXE) view(job, l, off, FileType.ISHIELD_MSI, null); }
            case ISO9660 -> iso(job, l, off);
            case UDF -> {
                if (!job.parserEnabled(FileType.UDF)) return;
                // ClamAV parses the re-typed layer only from 32768 on
                retype(job, l, FileType.UDF, (layer, c) -> UdfExtractor.scan(layer.data(), off, c), l.data);
            }
            default -> { }
        }
    }

    /**
     * Hands the parent's bytes from {@code off} to the extractor of {@code type} as a layer one level
     * deeper (ClamAV pushes a duplicate map): its members are children of that layer.
     */
    private static void view(ScanJob job, LayerImpl l, int off, FileType type, Extractor x) {
        if (!job.parserEnabled(type)) return;
        Extractor ex = x != null ? x : Extractors.forType(type);
        if (ex == null) return;
        // (daemon16) StringBuilder, not '+': a '+' is an invokedynamic linked on its first run (~2 ms in a daemon's first MULTISCAN)
        LayerImpl v = new LayerImpl(l.data.slice(off, l.data.limit() - off).asReadOnlyBuffer(), type,
                new StringBuilder().append('(').append(type.clamName()).append('@').append(off).append(')').toString(), l);
        if (v.depth >= job.lim.maxRecursion()) {
            job.limit(l, "MaxRecursion");
            return;
        }
        run(ex, v, new LayerContext(job, v), v);
        l.children.add(new ScanResult.LayerInfo(v.path, type.clamName(), v.data.limit(), null,
                v.note == null ? new StringBuilder("embedded at ").append(off).append(", not matched itself").toString() : v.note,
                List.copyOf(v.children)));
    }

    /** ClamAV's cli_scaniso(offset): the primary descriptor at {@code off} gives sector size and image base. */
    private static void iso(ScanJob job, LayerImpl l, int off) {
        if (!job.parserEnabled(FileType.ISO9660) || off < 16 * ISO_SECTOR) return;
        ByteBuffer d = l.data;
        int sector = -1;
        for (int j = off + 2049; j + 5 <= Math.min(d.limit(), off + 2448 + 6); j++) {
            if (d.get(j) == 'C' && d.get(j + 1) == 'D' && d.get(j + 2) == '0' && d.get(j + 3) == '0' && d.get(j + 4) == '1') {
                sector = j - off - 1;
                break;
            }
        }
        if (sector < 0 || (long) sector * 16 > off || off + 132 > d.limit()) return;
        int block = d.get(off + 128) & 0xFF | (d.get(off + 129) & 0xFF) << 8;
        if (block != 512 && block != 1024 && block != 2048) return;
        if (sector != ISO_SECTOR) {
            if (l.note == null) l.note = "iso9660: sector size " + sector + " not supported";
            return;
        }
        int base = off - sector * 16;
        Extractor ex = Extractors.forType(FileType.ISO9660);
        if (ex == null) return;
        retype(job, l, FileType.ISO9660, ex, d.slice(base, d.limit() - base).asReadOnlyBuffer());
    }

    /** Carves the executable at {@code off}; true when it was a PE (ClamAV then stops looking in this layer). */
    private static boolean carvePe(ScanJob job, LayerImpl l, int off) {
        int len = l.data.limit() - off;
        if (len > job.lim.maxEmbeddedPe()) return false;
        ByteBuffer tail = l.data.slice(off, len);
        if (ExeInfo.parsePe(tail) == null) return false;
        new LayerContext(job, l).child(new ChildInfo("", FileType.MSEXE, -1, -1, false, 1, -1).withCarved(), tail);
        return true;
    }

    /** PE overlay: InstallShield setup streams (ClamAV scans them from cli_scanpe). */
    private static void overlay(ScanJob job, LayerImpl l) {
        ExeInfo pe = ExeInfo.parsePe(l.data);
        if (pe == null) return;
        long start = IshieldOverlay.overlayStart(pe);
        if (start <= 0 || start >= l.data.limit()) return;
        LayerContext ctx = new LayerContext(job, l);
        try {
            IshieldOverlay.scan(l.data, (int) start, ctx);
        } catch (RuntimeException | StackOverflowError e) {
            if (l.note == null) l.note = "malformed InstallShield overlay: " + e;
        }
    }

    /**
     * ClamAV re-types the layer and opens it as that type in place: {@code data} (the layer's bytes, or
     * the part the type starts at) is read by the extractor as this layer, so its members are the layer's
     * children. Nothing happens without an extractor.
     */
    private static void retype(ScanJob job, LayerImpl l, FileType type, Extractor ex, ByteBuffer data) {
        l.type = type;
        if (ex != null) run(ex, new View(data, l), new LayerContext(job, l), l);
    }

    private static void run(Extractor ex, Layer layer, LayerContext ctx, LayerImpl noteTo) {
        try {
            ex.extract(layer, ctx);
        } catch (Exception | StackOverflowError e) {
            if (noteTo.note == null) noteTo.note = "malformed " + layer.type().clamName() + ": " + e;
        }
    }

    /** The parent's bytes from an offset, seen as a layer of the parent's place in the stack. */
    private record View(ByteBuffer data, LayerImpl owner) implements Layer {
        @Override public FileType type() { return owner.type; }
        @Override public String name() { return owner.name; }
        @Override public int depth() { return owner.depth; }
        @Override public Layer parent() { return owner.parent; }
    }
}

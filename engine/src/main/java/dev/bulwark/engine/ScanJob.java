package dev.bulwark.engine;

import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.filetype.EmbeddedTypeFinder;
import dev.bulwark.engine.filetype.FileTypeDetector;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Extractors;
import dev.bulwark.engine.heuristics.dlp.StructuredData;
import dev.bulwark.engine.normalize.HtmlNormalizer;
import dev.bulwark.engine.normalize.TextNormalizer;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The state of one scan of one top-level object: detections, limits consumed, and the recursion
 * over layers. Not thread-safe; one job per scan.
 */
final class ScanJob {
    /** Layers of at most this many bytes are not matched (as ClamAV: "file too small"). */
    static final int TINY = 5;

    final Database db;
    final SignatureSet sigs;
    final ScanOptions opt;
    final Limits lim;
    private final long t0;
    private final long deadline;
    final List<Detection> strong = new ArrayList<>();
    final List<Detection> weak = new ArrayList<>();
    boolean stop;
    private String limitHit;
    long scanned;
    /** (cli15) libclamav's scanned-bytes counter in 4 KiB blocks, with opt.countBlocks() (see ScanResult.blocks). */
    long blocks;
    /** Bytes decoded from member streams, including those read and then dropped for a limit. */
    long decoded;
    int files;
    /** Arrays for the normalised views, reused by every layer of this scan (and the thread's next scan). */
    final ViewScratch scratch = ViewScratch.take();
    /** (fuzz19) The LZMA dictionary cache every layer of this scan shares (see ExtractContext#dictionaries). */
    private dev.bulwark.engine.formats.archivecommon.DictionaryCache dictionaries;

    dev.bulwark.engine.formats.archivecommon.DictionaryCache dictionaries() {
        if (dictionaries == null) dictionaries = new dev.bulwark.engine.formats.archivecommon.DictionaryCache();
        return dictionaries;
    }

    ScanJob(Database db, ScanOptions opt, long t0) {
        this.db = db;
        this.sigs = db.signatures();
        this.opt = opt;
        this.lim = opt.limits().normalize();
        this.t0 = t0;
        long budget = lim.maxScanTimeMillis();
        this.deadline = budget >= Long.MAX_VALUE / 8 ? Long.MAX_VALUE : t0 + budget * 1_000_000L;
    }

    /** A top-level object above the file size limit: not scanned, clean unless limits alert. */
    static ScanResult tooLarge(ScanOptions o, long size, long t0) {
        List<Detection> d = o.alert(ScanOptions.Alert.EXCEEDS_MAX)
                ? List.of(new Detection("Heuristics.Limits.Exceeded.MaxFileSize", "", true, -1)) : List.of();
        return new ScanResult(d.isEmpty() ? ScanResult.Status.CLEAN : ScanResult.Status.INFECTED, d, size, 0, 0, null,
                System.nanoTime() - t0, null);
    }

    /** Scans a top-level object; {@code sha256}, when known already, saves hashing it again. */
    ScanResult run(ByteBuffer data, byte[] sha256) {
        LayerImpl top = new LayerImpl(data, null, "", null);
        if (sha256 != null) top.presetDigest(2, sha256);
        try {
            if (admit(top, data.limit())) scanLayer(top, null);
        } finally {
            scratch.give();
        }
        sigs.requireIntact(); // a damaged snapshot pattern or signature met by this scan (or any before) fails it
        List<Detection> out = new ArrayList<>();
        if (opt.allMatch()) {
            out.addAll(strong);
            // libclamav keeps "potentially unwanted" indicators by name and reports each name once, after the scan
            // (strong ones as they are found: every time): two encrypted members are one Heuristics.Encrypted.Zip
            java.util.Set<String> named = new java.util.HashSet<>();
            for (Detection d : weak) if (named.add(d.name())) out.add(d);
        } else if (!strong.isEmpty()) {
            out.add(strong.get(0));
        } else if (!weak.isEmpty()) {
            out.add(weak.get(weak.size() - 1));
        }
        ScanResult.LayerInfo tree = new ScanResult.LayerInfo("", top.type == null ? null : top.type.clamName(), data.limit(),
                sha256 == null ? null : java.util.HexFormat.of().formatHex(sha256), top.note, List.copyOf(top.children), top.listed,
                top.blocks, opt.countBlocks() && top.type != null ? top.key() : 0);
        return new ScanResult(out.isEmpty() ? ScanResult.Status.CLEAN : ScanResult.Status.INFECTED, List.copyOf(out),
                data.limit(), scanned, files, null, System.nanoTime() - t0, tree, blocks, raised());
    }

    /** (cli15) Every alert raised, strong and weak, with the children its layer had recorded by then. */
    private final List<ScanResult.Raised> raisedList = new ArrayList<>(0);

    private List<ScanResult.Raised> raised() {
        return List.copyOf(raisedList);
    }

    // ---- limits ------------------------------------------------------------------------------------

    boolean timeUp() {
        if (deadline != Long.MAX_VALUE && System.nanoTime() > deadline) {
            limit(null, "MaxScanTime");
            stop = true;
        }
        return stop;
    }

    /** Records the first exceeded limit; with --alert-exceeds-max it becomes a (weak) detection. */
    void limit(LayerImpl layer, String which) {
        if (limitHit != null) return;
        limitHit = which;
        if (opt.alert(ScanOptions.Alert.EXCEEDS_MAX)) report(layer, "Heuristics.Limits.Exceeded." + which, -1, true);
    }

    /** (cli15) The limit that made {@link #admit} refuse its last layer (for the tree's note). */
    String refused;

    /** Checks a new layer against depth, count and scan-size limits; counts it when admitted. */
    boolean admit(LayerImpl l, long size) {
        if (l.depth >= lim.maxRecursion()) { refused = "MaxRecursion"; limit(l.parent, "MaxRecursion"); return false; }
        if (files >= lim.maxFiles()) { refused = "MaxFiles"; limit(l.parent, "MaxFiles"); return false; }
        if (scanned + size > lim.maxScanSize()) { refused = "MaxScanSize"; limit(l.parent == null ? l : l.parent, "MaxScanSize"); return false; }
        files++;
        scanned += size;
        return true;
    }

    // ---- reporting ---------------------------------------------------------------------------------

    /**
     * Reports a detection on a layer unless an allow list covers it or an ancestor. Returns true when
     * the scan must stop now (a strong detection without all-match).
     */
    boolean report(LayerImpl layer, String name, long offset, boolean isWeak) {
        if (layer != null && allowListed(layer)) return false;
        Detection d = new Detection(name, layer == null ? "" : layer.path, isWeak, offset);
        raisedList.add(new ScanResult.Raised(d, layer == null ? Integer.MAX_VALUE : layer.children.size()));
        if (isWeak && !opt.heuristicPrecedence()) {
            weak.add(d);
            return false;
        }
        strong.add(d);
        if (!opt.allMatch()) stop = true;
        return stop;
    }

    private boolean allowListed(LayerImpl l) {
        for (LayerImpl x = l; x != null; x = x.parent) {
            for (int k = 0; k < 3; k++) {
                if (sigs.allow[k].isEmpty() || !sigs.allow[k].wants(x.data.limit())) continue;
                if (sigs.allow[k].find(x.digest(k), x.data.limit()) >= 0) return true;
            }
        }
        return false;
    }

    // ---- layers ------------------------------------------------------------------------------------

    /** A set of types as a table by ordinal: an EnumSet's first use costs reflection (its universe) at start. */
    static boolean[] typeSet(FileType... types) {
        boolean[] in = new boolean[FileType.values().length];
        for (FileType t : types) in[t.ordinal()] = true;
        return in;
    }

    /** Whether {@code t} (null for none) is in a {@link #typeSet}. */
    static boolean in(boolean[] set, FileType t) { return t != null && set[t.ordinal()]; }

    private static final boolean[] CONTAINER_FIRST = typeSet(FileType.ZIP, FileType.GZ, FileType.BZ, FileType.XZ,
            FileType.SEVENZIP, FileType.MSOLE2, FileType.MSCAB, FileType.MAIL, FileType.POSIX_TAR, FileType.OLD_TAR,
            FileType.RAR, FileType.ARJ, FileType.CPIO_OLD, FileType.CPIO_ODC, FileType.CPIO_NEWC, FileType.CPIO_CRC,
            FileType.MSCHM, FileType.ZSTD, FileType.BINHEX, FileType.TNEF, FileType.MSSZDD, FileType.ISO9660, FileType.RTF, FileType.HTML_UTF16,
            FileType.OOXML_WORD, FileType.OOXML_PPT, FileType.OOXML_XL, FileType.MACHO_UNIBIN, FileType.HWPOLE2, FileType.CRYPTFF, FileType.XAR);

    void scanLayer(LayerImpl l, FileType hint) {
        if (stop || timeUp()) return;
        if (l.type == null) l.type = hint != null ? hint : detect(l.data);
        // (types17) ClamAV's magic_scan neither parses nor scans an ignored type (MP3, Ogg, SQLite, ...): no raw
        // scan, so no hash signature, no bytes counted
        if (l.type == FileType.IGNORED) return;
        boolean first = in(CONTAINER_FIRST, l.type);
        if (first) extract(l);
        if (stop) return;
        if (l.type == FileType.TEXT_ASCII && opt.structured() != null && l.data.limit() > TINY) structured(l);
        if (stop) return;
        boolean matched = l.data.limit() > TINY;
        if (matched) {
            if (l.type == FileType.HTML && opt.enabled(ScanOptions.Parser.HTML)) {
                htmlViews(l);
                matched = false; // no raw scan, so no text view
            } else {
                FileType before = l.type;
                // (sz16) binary data: the raw scan is generic only, target 14 comes in the second scan below
                new Pass(this, l, l.data, in(SCANNED_AS_OTHER, before) ? 1 : targetMask(before), true).run();
                if (opt.countBlocks()) {
                    // libclamav's raw scan (cli_scan_fmap counts each 128 KiB chunk / 4096), and for binary data
                    // (and compiled Python) a second run of the whole map with the type-14 signatures (otherScan)
                    // (compat17) in 128 KiB windows that overlap by the tries' longest pattern (fmapBlocks)
                    boolean other = in(SCANNED_AS_OTHER, before);
                    count(l, fmapBlocks(l.data.limit(), other ? 1 : targetMask(before)));
                    if (!stop && other) count(l, fmapBlocks(l.data.limit(), targetMask(before)));
                }
            }
        }
        FileType typed = l.type;
        if (!stop) EmbeddedObjects.scan(this, l); // part of ClamAV's raw scan
        // ClamAV's cli_scanscript comes after the raw scan and what its type recognition started, and not at all
        // when that re-typed the text as HTML (magic_scan: dettype != CL_TYPE_HTML): the HTML views replace it
        if (matched && !stop && typed.isText() && l.type != FileType.HTML) textView(l);
        // a text that the raw scan re-typed as mail: libclamav runs the map once more with the mail signatures
        // (magic_scan's text case: dettype, or the type of the current layer, -1, which is the text's); counted only
        if (matched && !stop && opt.countBlocks() && typed.isText() && l.type == FileType.MAIL) {
            count(l, fmapBlocks(l.data.limit(), targetMask(FileType.MAIL)));
        }
        // a layer the raw scan re-typed was opened there, once (clamscan --allmatch reports an ISO's files once)
        if (!first && !stop && l.type == typed) extract(l);
        // ClamAV's parsers after the raw scan (PE, ELF, Mach-O, PDF) switch on the type the layer had before
        // the raw scan re-typed it (e.g. an executable holding a UDF marker or a DMG trailer is still unpacked)
        else if (!first && !stop && in(AFTER_RAW, typed)) extract(l, typed);
        if (matched && !stop && in(SCANNED_AS_OTHER, typed)) otherScan(l, typed);
    }

    /**
     * (sz16) Layers ClamAV's magic_scan scans once more after the raw scan, as CL_TYPE_OTHER (cli_scan_fmap with
     * generic and target-14 signatures, hash signatures too): clamscan --allmatch then reports each generic, hash,
     * logical or YARA signature found on such a layer twice (a 7z's binary member showed one line more than Bulwark).
     */
    private static final boolean[] SCANNED_AS_OTHER = typeSet(FileType.BINARY_DATA, FileType.PYTHON_COMPILED);

    /**
     * The second scan of a binary-data layer. Without --allmatch the raw scan found nothing that stops the scan, so
     * only target-14 signatures can report here: the pass is made only when the database has some, and over them only.
     */
    private void otherScan(LayerImpl l, FileType typed) {
        if (opt.allMatch()) new Pass(this, l, l.data, targetMask(typed), false).run();
        else if (sigs.hasOtherTarget()) new Pass(this, l, l.data, 1 << 14, false, false).run();
    }

    /**
     * ClamAV's cli_scanscript: the normalised text (target 7 and generic signatures) of a text layer; UTF-16 too, its
     * NULs are dropped (never for mail).
     */
    private void textView(LayerImpl l) {
        if (!opt.enabled(ScanOptions.Parser.NORMALIZE) || l.data.limit() > lim.maxScriptNormalize()) return;
        // (steady14) nothing of this database can match the view: ClamAV builds and scans it and finds nothing
        if (!sigs.needsTextView(l.data.limit())) {
            if (opt.countBlocks()) { // (its length only: the word-at-a-time normaliser into the scratch array when one flush)
                int n = l.data.limit();
                count(l, textViewBlocks(l, n <= TextNormalizer.SCANBUFF ? TextNormalizer.normalize(l.data, n, scratch.text(n)) : -1));
            }
            return;
        }
        byte[] norm = scratch.text((int) Math.min(l.data.limit(), lim.maxScriptNormalize()));
        int len = TextNormalizer.normalize(l.data, lim.maxScriptNormalize(), norm);
        if (opt.countBlocks()) count(l, textViewBlocks(l, len));
        // hash signatures only when ClamAV maps the view as a file (target-7 patterns at relative offsets);
        // otherwise it scans the view as a buffer, which checks none
        if (len > 0) new Pass(this, l, ByteBuffer.wrap(norm, 0, len).slice(), TEXT_VIEW, false,
                sigs.patterns.hasRelativeOffsets(7)).run();
    }

    /** libclamav's CLI_DEFAULT_MAXHTMLNOTAGS: over it an HTML file's notags view is not scanned. */
    static final long MAX_HTML_NOTAGS = 8 << 20;

    /** maxpatlen of libclamav's generic trie without a signature: its built-in file type patterns (clamscan 1.4.6). */
    static final int BUILTIN_MAXPATLEN = 32;

    /**
     * (compat17) What cli_scan_fmap adds to the scanned-bytes counter for a map of {@code len} bytes scanned with the
     * tries of {@code mask}: it reads SCANBUFF-byte windows, each starting maxpatlen bytes before the previous one ended
     * (maxpatlen: the longest pattern of the generic and the target trie, {@link #maxpatlen}), and counts each window's
     * length / 4096, until a window is shorter than SCANBUFF. A map over 128 KiB can so count a block or more beyond
     * len / 4096 (clamscan: /usr/share/doc/gdb/check.log.gz 2,289 blocks, len / 4096 2,288).
     */
    long fmapBlocks(long len, int mask) {
        if (len <= TextNormalizer.SCANBUFF) return len / 4096;
        return fmapBlocks(len, TextNormalizer.SCANBUFF, maxpatlen(mask));
    }

    static long fmapBlocks(long len, int window, int maxpatlen) {
        long blocks = 0;
        for (long off = 0; off < len; off += window - maxpatlen) {
            long bytes = Math.min(len - off, window);
            blocks += bytes / 4096;
            // (review21) a maxpatlen of the window or more: libclamav's offset goes below 0 (unsigned arithmetic) and
            // its walk ends after the first window; here the loop never ended (a {200000} gap hung clamscan -d)
            if (bytes < window || maxpatlen >= window) break;
        }
        return blocks;
    }

    /** libclamav's maxpatlen of a cli_scan_fmap with the tries of {@code mask} (the generic one always there). */
    private int maxpatlen(int mask) {
        int m = BUILTIN_MAXPATLEN;
        for (int t = 0; t < 16; t++) if ((mask & 1 << t) != 0) m = Math.max(m, sigs.patterns.acMaxLength(t));
        return m;
    }

    /**
     * (compat17) What cli_scanscript counts for a text layer's normalised view of {@code normalized} bytes (-1: not
     * known): its flushes, carrying the target-7 trie's maxpatlen (only that trie's: 0 without target-7 signatures)
     * from one to the next; or, when target 7 has signatures at relative offsets, the normalised file it maps and
     * scans with cli_scan_fmap (generic and target 7).
     */
    private long textViewBlocks(LayerImpl l, int normalized) {
        if (sigs.patterns.hasRelativeOffsets(7) && normalized >= 0) return fmapBlocks(normalized, 1 | 1 << 7);
        int n = l.data.limit();
        int maxpat = n <= TextNormalizer.SCANBUFF ? 0 : sigs.patterns.acMaxLength(7);
        return TextNormalizer.scriptBlocks(l.data, maxpat, normalized);
    }

    /** (cli15) Adds to libclamav's scanned-bytes counter, for the scan and for the layer (ScanResult.LayerInfo.blocks). */
    private void count(LayerImpl l, long b) {
        blocks += b;
        l.blocks += b;
    }

    /** Targets of the normalised text view: generic and target 7. */
    private static final int TEXT_VIEW = SignatureSet.TEXT_VIEW_TARGETS;

    private static final boolean[] AFTER_RAW = typeSet(FileType.MSEXE, FileType.ELF, FileType.MACHO, FileType.PDF);

    /** ClamAV's cli_scanhtml: the normalised views of an HTML layer, and its data: URIs as mail layers. */
    void htmlViews(LayerImpl l) {
        if (l.data.limit() > lim.maxHtmlNormalize()) return;
        // the views are matched before anything else is normalised on this scan (the data: URIs below are read
        // from the layer itself), so the thread's arrays can be written
        HtmlNormalizer.Result r = HtmlNormalizer.normalize(l.data, lim.maxHtmlNormalize(), scratch.html);
        int mask = 1 | 1 << 3;
        for (int v = 0; v < 3; v++) {
            // (cli15) each view is a file libclamav maps and scans (cli_scan_desc), the javascript twice (as HTML and
            // as text); each map's push checks the limits first (cli_recursion_stack_push: the view's length against
            // the scan size left, the file size limit, the files count), and cli_scanhtml gives up at the first refused
            // (no later view, no data: URI)
            for (int run = 0; run < (v == 2 ? 2 : 1) && !stop; run++) {
                int n = r.length(v);
                if (n == 0) continue; // (an empty view: not mapped)
                // (compat17) notags is not scanned for an HTML file over MaxHTMLNoTags (libclamav's default 8 MiB; the
                // file's length, not the view's): clamscan 1.4.6 counted 7.82 MB for an 8.4 MB all.html, Bulwark 11.76
                if (v == 1 && l.data.limit() > MAX_HTML_NOTAGS) continue;
                String over = lim.maxScanSize() - scanned < n ? "MaxScanSize" : n > lim.maxFileSize() ? "MaxFileSize"
                        : files >= lim.maxFiles() ? "MaxFiles" : null;
                if (over != null) {
                    limit(l, over);
                    return;
                }
                if (opt.countBlocks()) count(l, fmapBlocks(n, mask));
                // (compat17) the javascript's second map is scanned as CL_TYPE_TEXT_ASCII: cli_scan_desc hands that type
                // to cli_scan_fmap as it is (only the raw scan turns text into CL_TYPE_ANY), so the generic and the
                // target-7 tries run over it (before, not matched at all: a target-7 signature on a script was missed)
                if (n > TINY) new Pass(this, l, r.view(v), run == 0 ? mask : 1 | 1 << 7, false).run();
            }
        }
        // data: URIs become mail layers (as ClamAV's normaliser hands them to the MIME decoder)
        if (!stop && opt.enabled(ScanOptions.Parser.MAIL)) {
            LayerContext ctx = new LayerContext(this, l);
            int pos = 1;
            for (ByteBuffer m : dev.bulwark.engine.formats.mime.DataUris.mailLayers(l.data, lim.maxFileSize())) {
                if (!ctx.child(new dev.bulwark.engine.formats.ChildInfo("", FileType.MAIL, -1, -1, false, pos++, -1), m)) break;
            }
        }
    }

    /** ClamAV's structured data check of a plain-text layer, before its raw scan; both kinds may be reported. */
    private void structured(LayerImpl l) {
        int found = StructuredData.scan(l.data, opt.structured());
        if ((found & StructuredData.FOUND_CREDIT_CARDS) != 0 && report(l, StructuredData.CREDIT_CARD, -1, true)) return;
        if ((found & StructuredData.FOUND_SSN) != 0) report(l, StructuredData.SSN, -1, true);
    }

    FileType detect(ByteBuffer d) {
        return FileTypeDetector.detect(d, sigs.magic, sigs.magicPatternRules.isEmpty() ? null : this::databaseHeadHits);
    }

    /** The database's (.ftm) type-1 rules in a layer's first bytes, for the type decision. */
    private void databaseHeadHits(ByteBuffer head, FileType text, List<EmbeddedTypeFinder.Hit> out) {
        sigs.magicPatterns.scan(head, 1, null, (p, owner, s, e) -> {
            var r = sigs.magicPatternRules.get(owner);
            if (r.required() == FileType.ANY || r.required() == text) out.add(new EmbeddedTypeFinder.Hit(r.result(), s, e));
            return -1;
        });
    }

    static int targetMask(FileType t) {
        int m = 1;
        switch (t) {
            case MSEXE -> m |= 1 << 1;
            case MSOLE2 -> m |= 1 << 2;
            case MAIL -> m |= 1 << 4;
            case GRAPHICS, GIF, PNG, JPEG, TIFF -> m |= 1 << 5;
            case ELF -> m |= 1 << 6;
            case MACHO, MACHO_UNIBIN -> m |= 1 << 9;
            case PDF -> m |= 1 << 10;
            case SWF -> m |= 1 << 11;
            case JAVA -> m |= 1 << 12;
            case INTERNAL -> m |= 1 << 13; // (types17) ClamAV's JSON properties magic
            case BINARY_DATA, PYTHON_COMPILED -> m |= 1 << 14;
            default -> { }
        }
        return m;
    }

    private void extract(LayerImpl l) {
        extract(l, l.type);
    }

    /** Runs the extractor of type {@code t} on the layer (its own type, or the one it had before a re-typing). */
    private void extract(LayerImpl l, FileType t) {
        if (!parserEnabled(t)) return;
        Extractor x = Extractors.forType(t);
        if (x == null) return;
        LayerContext ctx = new LayerContext(this, l);
        try {
            x.extract(l, ctx);
        } catch (Exception | StackOverflowError e) {
            l.note = "malformed " + l.type.clamName() + ": " + e;
        }
    }

    boolean parserEnabled(FileType t) {
        ScanOptions.Parser p = switch (t) {
            case MAIL, TNEF, BINHEX -> ScanOptions.Parser.MAIL;
            case MSOLE2, HWPOLE2 -> ScanOptions.Parser.OLE2;
            case CRYPTFF -> null; // (types17) ClamAV decodes it whatever the options say
            case PDF, XDP -> ScanOptions.Parser.PDF;
            case XML_WORD, XML_XL -> ScanOptions.Parser.XMLDOCS;
            case HTML -> ScanOptions.Parser.HTML;
            case MSEXE -> ScanOptions.Parser.PE;
            case ELF -> ScanOptions.Parser.ELF;
            case SWF -> ScanOptions.Parser.SWF;
            default -> ScanOptions.Parser.ARCHIVE;
        };
        return p == null || opt.enabled(p) && !sigs.dconfDisabled.contains(p);
    }
}

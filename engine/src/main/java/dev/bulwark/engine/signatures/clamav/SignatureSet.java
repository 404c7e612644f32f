package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.filetype.MagicRule;
import dev.bulwark.engine.heuristics.phishing.PhishingDb;
import dev.bulwark.engine.signatures.yara.YaraGroup;
import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import dev.bulwark.engine.match.Damage;
import dev.bulwark.engine.match.HashIndex;
import dev.bulwark.engine.match.PatternSet;
import java.util.List;
import java.util.Set;

/**
 * Everything the scanner needs from the loaded databases, compiled and immutable. Body patterns of
 * every kind share one {@link PatternSet}; the owner of a pattern says what a match means.
 */
public final class SignatureSet {
    /** Most deferred source files a snapshot may list (a daily database has a handful). */
    private static final int MAX_DEFERRED = 1 << 16;
    /** Owner kinds, in the top 3 bits of a pattern's owner value. */
    public static final int OWNER_NDB = 0, OWNER_LSUB = 1, OWNER_MACRO = 2;

    public static int owner(int kind, int ref) { return kind << 29 | ref; }
    public static int ownerKind(int owner) { return owner >>> 29; }
    public static int ownerRef(int owner) { return owner & ((1 << 29) - 1); }

    public final PatternSet patterns;
    /** .ndb/.db/.sdb signatures: reported names, indexed by NDB owner ref. */
    public final Names ndbNames;
    /**
     * Per .ndb id (compat12), where libclamav's matchers report the signature within a 128 KiB window: bits 24-25
     * the rank (0 the target-specific Boyer-Moore matcher, 1 the target-specific Aho-Corasick one, 2 and 3 the
     * generic ones: libclamav runs them in this order), bits 0-23 for a Boyer-Moore signature the offset of its
     * anchor in the pattern (it is reported at start + that offset; at one position the later loaded first).
     */
    public final int[] ndbOrder;

    /** Packs an {@link #ndbOrder} entry. */
    static int ndbOrder(int target, boolean boyerMoore, int shift) {
        return ((target == 0 ? 2 : 0) + (boyerMoore ? 0 : 1)) << 24 | Math.min(shift, (1 << 24) - 1);
    }
    /** Logical signatures by id (decoded on first use when read from a snapshot). */
    public final LogicalSigs lsigs;
    /** Hash signatures by digest kind: 0 MD5, 1 SHA-1, 2 SHA-256. Values index {@link #hashNames}. */
    public final HashIndex[] hashes, sectionHashes, allow;
    public final HashIndex imports;
    public final Names hashNames;
    public final List<ContainerRule> containerRules;
    /** Type-0 magic from .ftm, or null to use the built-in table. */
    public final List<MagicRule> magic;
    /**
     * Type-1 (pattern) magic from .ftm: patterns matched over the first 1024 bytes of a layer; null when
     * {@link #magicPatternRules} is empty (nothing to match: a snapshot without .ftm sources then skips
     * building an empty pattern set, ~0.8 ms of a one-file scan's interpreted start-up).
     */
    public final PatternSet magicPatterns;
    public final List<MagicRule> magicPatternRules;
    public final Set<ScanOptions.Parser> dconfDisabled;
    /** Phishing databases (.pdb/.wdb/.gdb), or null when none were loaded. */
    public final PhishingDb phishing;
    /** YARA rule sets loaded through the ClamAV loader, or null when none were loaded. */
    public final List<YaraRuleSet> yara;
    /** The atoms of {@link #yara}, also in {@link #patterns}' index (one pass feeds both), or null. */
    public final YaraGroup yaraGroup;
    /** Source texts a snapshot carries and compiles at load (see {@link Deferred}). */
    public final List<Deferred> deferred;
    /** Logical signatures that can be true without any body match: evaluated on every pass. */
    public final int[] zeroTrue;
    private final int count;
    /** (steady14) {@link #textViewMatchable}: 0 not known yet, 1 no, 2 yes (a benign race: both compute the same). */
    private volatile int textView;
    /** Targets the normalised text view is scanned for (generic and 7): the scan and {@link #textViewMatchable} share it. */
    public static final int TEXT_VIEW_TARGETS = 1 | 1 << 7;
    /** Patterns of the text view's targets {@link #textViewMatchable} looks at before it gives up (and says yes). */
    static final int TEXT_VIEW_BUDGET = 50_000;
    /**
     * Views under {@link #TEXT_VIEW_SMALL} bytes {@link #needsTextView} builds before it works the answer out: the check
     * decodes a snapshot's patterns and loads the pattern parser (~10 ms in a fresh JVM, round 13), which a one-file
     * scan of a small text would pay for nothing — its view costs microseconds.
     */
    public static final int TEXT_VIEW_EAGER = 16;
    /** A view at least this long works the answer out at once: building it costs more than the check. */
    public static final int TEXT_VIEW_SMALL = 64 << 10;
    /** Small views built so far without the answer (a benign race: at worst a few more views are built). */
    private int smallTextViews;
    /** Damage scans found in this set's lazily decoded parts (a snapshot's): one holder for all of them. */
    private final Damage damage;

    SignatureSet(PatternSet patterns, Names ndbNames, int[] ndbOrder, LogicalSig[] lsigs,
                 HashIndex[] hashes, HashIndex[] sectionHashes, HashIndex[] allow, HashIndex imports,
                 Names hashNames, List<ContainerRule> containerRules,
                 List<MagicRule> magic, PatternSet magicPatterns, List<MagicRule> magicPatternRules,
                 Set<ScanOptions.Parser> dconfDisabled, PhishingDb phishing, List<YaraRuleSet> yara,
                 List<Deferred> deferred, int count) {
        this(patterns, ndbNames, ndbOrder, LogicalSigs.of(lsigs, patterns.damage()), LogicalSigs.zeroTrue(lsigs), hashes, sectionHashes, allow, imports,
                hashNames, containerRules, magic, magicPatterns, magicPatternRules, dconfDisabled, phishing, yara, deferred, count);
    }

    private SignatureSet(PatternSet patterns, Names ndbNames, int[] ndbOrder, LogicalSigs lsigs, int[] zeroTrue,
                 HashIndex[] hashes, HashIndex[] sectionHashes, HashIndex[] allow, HashIndex imports,
                 Names hashNames, List<ContainerRule> containerRules,
                 List<MagicRule> magic, PatternSet magicPatterns, List<MagicRule> magicPatternRules,
                 Set<ScanOptions.Parser> dconfDisabled, PhishingDb phishing, List<YaraRuleSet> yara,
                 List<Deferred> deferred, int count) {
        this.damage = patterns.damage();
        if (lsigs.damage() != damage) throw new IllegalArgumentException("logical signatures with another damage holder");
        this.yaraGroup = yara == null || yara.isEmpty() ? null : YaraGroup.of(yara);
        this.patterns = yaraGroup == null ? patterns
                : patterns.withForeign(yaraGroup.atoms(), yaraGroup.owners(), yaraGroup.entryCount(), yaraGroup.windows());
        this.ndbNames = ndbNames;
        if (ndbOrder.length != ndbNames.size()) throw new IllegalArgumentException("body signature order table of the wrong size");
        this.ndbOrder = ndbOrder;
        this.lsigs = lsigs;
        this.hashes = hashes;
        this.sectionHashes = sectionHashes;
        this.allow = allow;
        this.imports = imports;
        this.hashNames = hashNames;
        this.containerRules = containerRules;
        this.magic = magic;
        this.magicPatterns = magicPatternRules.isEmpty() ? null : magicPatterns.withDamage(damage);
        this.magicPatternRules = magicPatternRules;
        this.dconfDisabled = dconfDisabled;
        this.phishing = phishing;
        this.yara = yara;
        this.deferred = deferred;
        this.count = count;
        this.zeroTrue = zeroTrue;
    }

    /**
     * (steady14) Whether a pass over a normalised text view ({@code TextNormalizer}: printable ASCII without upper
     * case; targets 0 and 7) can report anything with this set: false when no body or logical-subsignature pattern
     * of those targets can match such bytes, no logical signature of those targets is true without a match, no
     * target-7 pattern makes ClamAV check hash signatures over the view, and no YARA rules ride on the pass. Then
     * the view need not be built. Worked out on first use (a large database answers at its first possible pattern).
     */
    public boolean textViewMatchable() {
        int v = textView;
        if (v == 0) textView = v = computeTextView() ? 2 : 1;
        return v == 2;
    }

    /**
     * Whether a scan must build the text view of a layer of {@code length} bytes: {@link #textViewMatchable}, except
     * that the first {@link #TEXT_VIEW_EAGER} small layers are viewed without asking (always correct: the gate only
     * skips views that cannot report anything).
     */
    public boolean needsTextView(long length) {
        if (textView == 0 && length < TEXT_VIEW_SMALL && smallTextViews < TEXT_VIEW_EAGER) {
            smallTextViews++;
            return true;
        }
        return textViewMatchable();
    }

    /**
     * (sz16) Whether some signature of target 14 (ClamAV's OTHER) exists: a body or subsignature pattern of it, or a
     * logical signature of it true without a match. ClamAV scans a binary-data layer a second time as CL_TYPE_OTHER
     * (generic and target 14) after its raw scan (generic only); without --allmatch only target 14 can add to the first.
     */
    public boolean hasOtherTarget() {
        if (patterns.hasTarget(14)) return true;
        for (int id : zeroTrue) if (lsigs.get(id).target() == 14) return true;
        return false;
    }

    private boolean computeTextView() {
        if (yaraGroup != null || patterns.hasRelativeOffsets(7)) return true;
        for (int id : zeroTrue) {
            int t = lsigs.get(id).target(); // (up to 1000: not a shift)
            if (t == 0 || t == 7) return true;
        }
        boolean[] alphabet = new boolean[256];
        for (int b = 0; b < 256; b++) alphabet[b] = dev.bulwark.engine.normalize.TextNormalizer.emits(b);
        return patterns.anyCanMatch(TEXT_VIEW_TARGETS, alphabet, TEXT_VIEW_BUDGET);
    }

    /**
     * Fails a scan once damage was found in this set's lazily decoded parts (a snapshot's body pattern or logical
     * signature that cannot be decoded, met by this scan or any before): scans call it when they end, so damage
     * met under an extractor that catches everything still fails them, and no verdict is given from a database
     * known to be damaged. A volatile read.
     *
     * @throws DatabaseLoadException naming the snapshot and what was damaged first
     */
    public void requireIntact() {
        if (damage.first() != null) throw failure(damage);
    }

    /** The error for the damage {@code d} remembered first (every scan from then on throws an equal one). */
    static DatabaseLoadException failure(Damage d) {
        return new DatabaseLoadException(Diagnostic.error(d.origin(), 0, d.first()));
    }

    // ---- serialization (database snapshots) -----------------------------------------------------

    /**
     * A database file whose content a snapshot stores as text and compiles again when it is loaded:
     * container rules, file-type magic, phishing databases and YARA rules are small next to the body and
     * hash signatures but have rich structures (regular expressions, URL tables, compiled rules), so
     * replaying their source is simpler and safer than serialising them. Ignore lists are kept too, since
     * they filter container rules.
     */
    public record Deferred(String source, byte[] data, boolean official) {}

    /** Why this set cannot be written to a snapshot, or null when it can (every set can since format 2). */
    public String snapshotBlocker() {
        return null;
    }

    /** Writes everything {@link #read} needs; call only when {@link #snapshotBlocker()} is null. */
    public void write(dev.bulwark.engine.match.FlatIO.Writer out) {
        if (snapshotBlocker() != null) throw new IllegalStateException("not snapshottable: " + snapshotBlocker());
        out.i32(count);
        patterns.write(out);
        ndbNames.write(out);
        out.ints(ndbOrder);
        hashNames.write(out);
        for (HashIndex[] group : new HashIndex[][] {hashes, sectionHashes, allow}) for (HashIndex h : group) h.write(out);
        imports.write(out);
        out.i32(dconfDisabled.size());
        for (ScanOptions.Parser p : dconfDisabled) out.string(p.name());
        lsigs.write(zeroTrue, out);
        out.i32(deferred.size());
        for (Deferred d : deferred) {
            out.string(d.source());
            out.bool(d.official());
            out.bytes(d.data());
        }
    }

    /**
     * Reads what {@link #write} wrote; inconsistent input raises IllegalArgumentException. {@code origin} (the
     * snapshot's file name) names it in the error a scan gets from a pattern or signature decoded later.
     */
    public static SignatureSet read(dev.bulwark.engine.match.FlatIO.Reader in, String origin) {
        int count = in.i32();
        Damage damage = new Damage(origin);
        // (large12) a hash index block that fails its checksum when first read fails scans as damage does
        if (in instanceof dev.bulwark.engine.match.FlatBuffers.In f && f.blocks() != null) f.blocks().reportTo(damage);
        PatternSet patterns = PatternSet.read(in, damage);
        Names ndbNames = Names.read(in);
        int[] ndbOrder = in.ints();
        Names hashNames = Names.read(in);
        HashIndex[][] groups = new HashIndex[3][3];
        for (HashIndex[] g : groups) for (int i = 0; i < 3; i++) g[i] = HashIndex.read(in, hashNames.size());
        HashIndex imports = HashIndex.read(in, hashNames.size());
        int nd = in.i32();
        if (nd < 0 || nd > ScanOptions.Parser.values().length) throw new IllegalArgumentException("bad parser set");
        // no EnumSet when the set is empty (the usual case): its first one costs reflection at start
        Set<ScanOptions.Parser> dconf = nd == 0 ? Set.of() : java.util.EnumSet.noneOf(ScanOptions.Parser.class);
        for (int i = 0; i < nd; i++) dconf.add(LsigCodec.enumOf(ScanOptions.Parser.class, in.string()));
        int[][] zeroTrue = new int[1][];
        LogicalSigs lsigs = LogicalSigs.read(in, zeroTrue, damage);
        int nl = lsigs.size();
        for (int i = 0, np = patterns.size(), nn = ndbNames.size(); i < np; i++) {
            int o = patterns.owner(i), ref = ownerRef(o);
            boolean ok = switch (ownerKind(o)) {
                case OWNER_NDB -> ref < nn;
                case OWNER_LSUB -> ref / 64 < nl && ref % 64 < lsigs.subCount(ref / 64);
                case OWNER_MACRO -> ref < 32;
                default -> false;
            };
            if (!ok) throw new IllegalArgumentException("pattern owner out of range");
        }
        int nf = in.i32();
        if (nf < 0 || nf > MAX_DEFERRED) throw new IllegalArgumentException("bad deferred source count");
        List<Deferred> deferred = new java.util.ArrayList<>();
        for (int i = 0; i < nf; i++) {
            String source = in.string();
            boolean official = in.bool();
            deferred.add(new Deferred(source, in.bytes(), official));
        }
        if (!deferred.isEmpty()) {
            // compile the stored texts as the loader would, and take their parts
            SignatureSet extra = DatabaseLoader.replay(deferred);
            return new SignatureSet(patterns, ndbNames, ndbOrder, lsigs, zeroTrue[0], groups[0], groups[1], groups[2], imports, hashNames,
                    extra.containerRules, extra.magic, extra.magicPatterns, extra.magicPatternRules, Set.copyOf(dconf),
                    extra.phishing, extra.yara, List.copyOf(deferred), count);
        }
        return new SignatureSet(patterns, ndbNames, ndbOrder, lsigs, zeroTrue[0], groups[0], groups[1], groups[2], imports,
                hashNames, List.of(), null, null, List.of(), Set.copyOf(dconf),
                null, null, List.of(), count);
    }

    /** Reported name of an .ndb/.db/.sdb signature (NDB owner ref). */
    public String ndbName(int ref) { return ndbNames.get(ref); }
    public boolean ndbWeak(int ref) { return ndbNames.weak(ref); }
    /** Reported name of a hash signature (a {@link HashIndex} value). */
    public String hashName(int v) { return hashNames.get(v); }
    public boolean hashWeak(int v) { return hashNames.weak(v); }

    /** Signatures loaded, counted as ClamAV counts them. */
    public int count() { return count; }

    /** Names starting with these are potentially-unwanted (weak) indicators. */
    public static boolean isWeak(String name) {
        return name.startsWith("PUA.") || name.startsWith("Heuristics.") || name.startsWith("BC.Heuristics.");
    }
}

package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.filetype.MagicRule;
import dev.bulwark.engine.heuristics.phishing.PhishingDb;
import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import dev.bulwark.engine.signatures.yara.YaraSource;
import dev.bulwark.engine.match.BodyPattern;
import dev.bulwark.engine.match.HashIndex;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternException;
import dev.bulwark.engine.match.PatternSet;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects signatures line by line (one method per database kind) and compiles them into a
 * {@link SignatureSet}. Each method throws IllegalArgumentException with a reason for a malformed
 * line; the loader adds file and line.
 */
public final class SignatureBuilder {
    /** Body patterns; the embedded-type rules' atoms ride on their raw pass (EmbeddedCandidates). */
    private final PatternSet.Builder patterns = dev.bulwark.engine.filetype.EmbeddedCandidates.addTo(PatternSet.builder());
    private final PatternSet.Builder magicPatterns = PatternSet.builder();
    private final Names.Builder ndbNames = Names.builder();
    /** Per .ndb id, where libclamav's matchers report it: {@link SignatureSet#ndbOrder}. */
    private final dev.bulwark.engine.match.IntList ndbOrder = new dev.bulwark.engine.match.IntList();
    /** libclamav's Boyer-Moore hash buckets in use, for the generic (0) and PE (1) matchers, in load order. */
    private final boolean[][] bmBuckets = new boolean[2][];
    private final List<LogicalSig> lsigs = new ArrayList<>();
    private final HashIndex.Builder[] hashes = digestBuilders(), sections = digestBuilders(), allow = digestBuilders();
    private final HashIndex.Builder imports = HashIndex.builder(16);
    private final Names.Builder hashNames = Names.builder();
    private final List<ContainerRule> containerRules = new ArrayList<>();
    private final List<MagicRule> magic = new ArrayList<>();
    private final List<MagicRule> magicPatternRules = new ArrayList<>();
    private final Map<String, List<String>> ignored = new HashMap<>();
    private final Set<ScanOptions.Parser> dconfDisabled = EnumSet.noneOf(ScanOptions.Parser.class);
    /** One line of a phishing database, kept until all files are read (errors name file and line). */
    record PhishingLine(String kind, String source, int line, String text) {}

    final List<PhishingLine> phishingLines = new ArrayList<>();
    /**
     * Sources a snapshot stores as text and compiles again when it is loaded: container rules (.cdb),
     * file-type magic (.ftm), phishing databases, YARA rules, and the ignore lists that apply to them.
     */
    final List<SignatureSet.Deferred> deferred = new ArrayList<>();
    final List<YaraSource> yaraSources = new ArrayList<>();
    /** The PUA category filter while a PUA database (.hdu .ndu .ldu …) is read, else null. */
    PuaFilter pua;
    /**
     * Signatures added: hash signatures apart from the rest, since the hash lane ({@link HashLane}) adds
     * those on another thread while the loading thread adds body signatures.
     */
    private int hashCount, count;

    private static HashIndex.Builder[] digestBuilders() {
        return new HashIndex.Builder[] {HashIndex.builder(16), HashIndex.builder(20), HashIndex.builder(32)};
    }

    public int count() { return hashCount + count; }

    /** Hash signatures added (by the hash lane, when there is one). */
    int hashCount() { return hashCount; }

    /** Everything else added. */
    int otherCount() { return count; }

    // ---- sizing for large files --------------------------------------------------------------------

    /** Margin on a size estimate: below the builders' slack (1/16), so a good estimate is never copied. */
    private static final double RESERVE_MARGIN = 1.03;
    /** Entries each hash builder held when the current file started (see {@link #markFile}). */
    private int[] fileMark = new int[0];
    private int namesBytesMark;

    /** Every growable hash builder, in a fixed order. */
    private HashIndex.Builder[] hashBuilders() {
        return new HashIndex.Builder[] {hashes[0], hashes[1], hashes[2], sections[0], sections[1], sections[2],
                allow[0], allow[1], allow[2], imports};
    }

    /** Starts a large file: {@link #reserveRest} then extrapolates from what it added so far. */
    void markFile() {
        HashIndex.Builder[] b = hashBuilders();
        fileMark = new int[b.length];
        for (int i = 0; i < b.length; i++) fileMark[i] = b[i].size();
        namesBytesMark = hashNames.bytes();
    }

    /**
     * Grows the hash builders (and the hash name table) once for the rest of a large file, assuming the
     * rest holds {@code factor} times what the part read so far added, plus that part once more (room
     * for the sample of a next file feeding the same builder): a 4-million-line file then costs no
     * doubling copies, each of which was garbage as large as the index.
     */
    void reserveRest(double factor) {
        double scale = factor * RESERVE_MARGIN + 1;
        HashIndex.Builder[] b = hashBuilders();
        for (int i = 0; i < b.length && i < fileMark.length; i++) {
            int added = b[i].size() - fileMark[i];
            if (added > 0) b[i].reserve((int) Math.min(Integer.MAX_VALUE, added * scale));
        }
        int names = hashNames.bytes() - namesBytesMark;
        if (names > 0) hashNames.reserve((int) Math.min(Integer.MAX_VALUE, names * scale));
    }

    // ---- names and ignores -------------------------------------------------------------------------

    /** Registers an .ign/.ign2 line. */
    void ignore(String line) {
        List<String> f = Fields.split(line, ':');
        String name;
        String md5 = "";
        if (f.size() == 3) name = f.get(2);                      // old .ign: DB:LINE:NAME
        else if (f.size() == 2) {
            name = f.get(0);
            md5 = f.get(1).toLowerCase(java.util.Locale.ROOT);
            // cli_loadign refuses the database when the hash is not 32 hex digits (it would ignore nothing)
            if (md5.length() != 32 || !md5.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                throw new IllegalArgumentException("malformed MD5 string");
        }
        else if (f.size() == 1) name = f.get(0);
        else throw new IllegalArgumentException("malformed ignore entry");
        if (name.isEmpty()) throw new IllegalArgumentException("empty signature name");
        ignored.computeIfAbsent(name, k -> new ArrayList<>()).add(md5);
    }

    boolean isIgnored(String name, String line) {
        if (ignored.isEmpty()) return false; // the usual case: no .ign2 loaded, no name to hash
        List<String> l = ignored.get(name);
        if (l == null) return false;
        for (String md5 : l) if (md5.isEmpty() || md5.equals(md5Hex(line))) return true;
        return false;
    }

    private static String md5Hex(String line) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(line.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String reportName(String raw, boolean official) {
        int c = raw.indexOf('(') < 0 ? -1 : raw.indexOf(" (Clam)"); // the one-char search is the cheap common case
        String n = c >= 0 ? raw.substring(0, c) : raw;
        return official ? n : n + ".UNOFFICIAL";
    }

    // ---- hash databases ----------------------------------------------------------------------------

    /** .hdb .hsb .hdu .hsu (kind 'h'), .mdb .msb .mdu .msu ('m'), .imp ('i'), .fp .sfp ('f'). */
    void hashLine(String line, char kind, boolean official) {
        List<String> f = Fields.split(line, ':');
        if (f.size() < 3 || f.size() > 5) throw new IllegalArgumentException("malformed hash signature: expected 3 to 5 fields, found " + f.size());
        boolean sizeFirst = kind == 'm';
        String hashS = sizeFirst ? f.get(1) : f.get(0), sizeS = sizeFirst ? f.get(0) : f.get(1), name = f.get(2);
        long size;
        if (sizeS.equals("*")) {
            long minfl = f.size() > 3 && !f.get(3).isEmpty() ? Fields.number(f.get(3), "minimum FLEVEL") : 0;
            if (kind != 'i' && minfl < 73)
                throw new IllegalArgumentException("minimum FLEVEL field must be at least 73 for wildcard size hash signatures");
            size = -1;
        } else {
            size = Fields.number(sizeS, "the size field");
            if (size <= 0 || size >= 0xFFFFFFFFL) throw new IllegalArgumentException("invalid value for the size field: " + sizeS);
        }
        if (pua != null && pua.skip(name)) return; // where ClamAV checks: before the hash itself
        int type = switch (hashS.length()) {
            case 32 -> 0;
            case 40 -> 1;
            case 64 -> 2;
            default -> throw new IllegalArgumentException("invalid hash: length " + hashS.length());
        };
        byte[] digest = Fields.hex(hashS, "hash");
        if (!Fields.flevelOk(f, 3)) return;
        if (kind != 'f' && isIgnored(name, line)) return;
        int id = hashNames.add(reportName(name, official));
        switch (kind) {
            case 'm' -> sections[type].add(digest, size, id);
            case 'i' -> { if (type != 0) throw new IllegalArgumentException("import hashes are MD5"); imports.add(digest, size, id); }
            case 'f' -> allow[type].add(digest, size, id);
            default -> hashes[type].add(digest, size, id);
        }
        if (kind != 'f') hashCount++;
    }

    /** Value of each byte as a hex digit, or -1 (a table: 200 million digits in the large database). */
    private static final byte[] HEX = new byte[256];

    static {
        java.util.Arrays.fill(HEX, (byte) -1);
        for (int c = 0; c < 256; c++) if (Character.digit(c, 16) >= 0 && c < 128) HEX[c] = (byte) Character.digit(c, 16);
    }

    /** Digest of the line {@link #hashLineFast} parses (the builders copy it). */
    private final byte[] digest = new byte[32];

    /**
     * The common .hdb/.hsb line, {@code HASH:SIZE:NAME} in plain ASCII, parsed straight from the bytes
     * {@code d[from, to)}: four million of them made as many line strings, field lists and name strings.
     * Returns false, having changed nothing, for anything else (more fields, a wildcard size, a name with
     * bytes over 127 or a "(", any malformed field) and while an ignore list or PUA filter applies; the
     * line then goes through {@link #hashLine}, which also reports every error.
     */
    boolean hashLineFast(byte[] d, int from, int to, boolean official) {
        if (pua != null || !ignored.isEmpty()) return false;
        // The hash field is 32, 40 or 64 hex digits (MD5, SHA-1, SHA-256), so the first ':' can only be at one of
        // those three places: look there instead of searching byte by byte (round 7: the search was about a
        // fifth of this method's time). A ':' or any other byte that is no hex digit before it fails the digit
        // check below, which is what a first ':' elsewhere gave before (a hash of another length).
        int n = to - from, hexLen;
        if (n > 32 && d[from + 32] == ':') hexLen = 32;
        else if (n > 40 && d[from + 40] == ':') hexLen = 40;
        else if (n > 64 && d[from + 64] == ':') hexLen = 64;
        else return false;
        int type = hexLen == 32 ? 0 : hexLen == 40 ? 1 : 2;
        for (int i = 0, at = from; i < hexLen / 2; i++, at += 2) {
            int hi = HEX[d[at] & 0xFF], lo = HEX[d[at + 1] & 0xFF];
            if ((hi | lo) < 0) return false;
            digest[i] = (byte) (hi << 4 | lo); // (scratch: the builders copy it only when the line is taken)
        }
        int c1 = from + hexLen;
        int c2 = c1 + 1;
        while (c2 < to && d[c2] != ':') c2++;
        if (c2 >= to) return false;
        for (int i = c2 + 1; i < to; i++) if (d[i] == ':' || d[i] == '(' || d[i] < 0) return false;
        if (c2 - c1 - 1 < 1 || c2 - c1 - 1 > 10) return false;
        long size = 0;
        for (int i = c1 + 1; i < c2; i++) {
            if (d[i] < '0' || d[i] > '9') return false;
            size = size * 10 + (d[i] - '0');
        }
        if (size <= 0 || size >= 0xFFFFFFFFL) return false;
        int id = hashNames.add(d, c2 + 1, to - c2 - 1, !official);
        hashes[type].add(digest, size, id);
        hashCount++;
        return true;
    }

    // ---- body signatures ---------------------------------------------------------------------------

    /** .ndb .ndu .sdb line: NAME:TARGET:OFFSET:HEX[:MINFL[:MAXFL]]. */
    void ndbLine(String line, boolean official) {
        List<String> f = Fields.split(line, ':');
        if (f.size() < 4 || f.size() > 6) throw new IllegalArgumentException("malformed body signature: expected 4 to 6 fields, found " + f.size());
        String name = f.get(0);
        if (pua != null && pua.skip(name)) return;
        if (name.isEmpty()) throw new IllegalArgumentException("empty signature name");
        int target = f.get(1).equals("*") ? 0 : (int) Math.min(Fields.number(f.get(1), "target"), 1000);
        OffsetSpec off = Fields.offset(f.get(2), target);
        if (off.kind() == OffsetSpec.Kind.VERSION_INFO) {
            BodyPattern vp;
            try {
                vp = HexPatternParser.parseTwoByteMinimum(f.get(3));
            } catch (PatternException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            if (!Fields.flevelOk(f, 4) || target >= 15 || isIgnored(name, line)) return;
            int id = ndbNames.add(reportName(name, official));
            ndbOrder.add(SignatureSet.ndbOrder(target, false, 0));
            patterns.add(vp, target, off, SignatureSet.owner(SignatureSet.OWNER_NDB, id));
            count++;
            return;
        }
        BodyPattern p = pattern(f.get(3));
        if (!Fields.flevelOk(f, 4) || target >= 15 || isIgnored(name, line)) return;
        if (off.kind() == OffsetSpec.Kind.MACRO) {
            patterns.add(p, target, OffsetSpec.ANY, SignatureSet.owner(SignatureSet.OWNER_MACRO, (int) off.value()));
            count++;
            return;
        }
        if (target == 1 && off.kind() == OffsetSpec.Kind.SECTION_WHOLE && f.get(2).indexOf(',') < 0 && plainHex(f.get(3))) {
            off = new OffsetSpec(OffsetSpec.Kind.SECTION_WHOLE_PE_BM, 0, off.section(), 0);
        }
        int id = ndbNames.add(reportName(name, official));
        ndbOrder.add(bmOrder(target, f.get(2), f.get(3)));
        patterns.add(p, target, off, SignatureSet.owner(SignatureSet.OWNER_NDB, id));
        count++;
    }

    /**
     * Where libclamav reports a body signature (see {@link SignatureSet#ndbOrder}): plain hex of target 0 or 1
     * (for 1, not at offset {@code *} or {@code n,m}) goes to that target's Boyer-Moore matcher, whose anchor
     * for it is the first 3-byte window of the pattern whose hash bucket no earlier signature took (its load
     * balancing), else the first; everything else goes to Aho-Corasick.
     */
    private int bmOrder(int target, String offset, String hex) {
        boolean bm = (target == 0 || target == 1) && plainHex(hex) && hex.length() % 2 == 0 && hex.length() >= 6
                && offset.indexOf('$') < 0 && !offset.contains("VI")
                && !(target == 1 && (offset.equals("*") || offset.indexOf(',') >= 0));
        int n = hex.length() / 2;
        if (bm) {
            for (int i = 0; i < hex.length() && bm; i++) bm = Character.digit(hex.charAt(i), 16) >= 0;
        }
        if (!bm) return SignatureSet.ndbOrder(target, false, 0);
        if (bmBuckets[target] == null) bmBuckets[target] = new boolean[211 * 255 + 37 * 255 + 255 + 1];
        boolean[] taken = bmBuckets[target];
        int shift = 0;
        for (int i = 0; i + 2 < n; i++) {
            if (!taken[bmHash(hex, i)]) { shift = i; break; }
        }
        taken[bmHash(hex, shift)] = true;
        return SignatureSet.ndbOrder(target, true, shift);
    }

    /** libclamav's HASH(a, b, c) of bytes i..i+2 of a hex string (no array is made: this runs per signature). */
    private static int bmHash(String hex, int i) {
        return 211 * hexByte(hex, i) + 37 * hexByte(hex, i + 1) + hexByte(hex, i + 2);
    }

    private static int hexByte(String hex, int i) {
        return Character.digit(hex.charAt(2 * i), 16) << 4 | Character.digit(hex.charAt(2 * i + 1), 16);
    }


    /** Hex without wildcards, ranges, alternatives or anchors: what ClamAV's Boyer-Moore matcher takes. */
    private static boolean plainHex(String hex) {
        for (int i = 0; i < hex.length(); i++) if ("?([{*".indexOf(hex.charAt(i)) >= 0) return false;
        return true;
    }

    /** Legacy .db line: NAME=HEX (target 0, anywhere). */
    void dbLine(String line, boolean official) {
        int eq = line.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("malformed signature: expected NAME=HEX");
        String name = line.substring(0, eq);
        BodyPattern p = pattern(line.substring(eq + 1));
        if (isIgnored(name, line)) return;
        int id = ndbNames.add(reportName(name, official));
        ndbOrder.add(bmOrder(0, "*", line.substring(eq + 1)));
        patterns.add(p, 0, OffsetSpec.ANY, SignatureSet.owner(SignatureSet.OWNER_NDB, id));
        count++;
    }

    static BodyPattern pattern(String hex) {
        try {
            return HexPatternParser.parse(hex);
        } catch (PatternException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    // ---- logical signatures ------------------------------------------------------------------------

    void ldbLine(String line, boolean official) {
        if (pua != null) {
            List<String> t = LdbParser.tokens(line);
            if (t.size() >= 4 && pua.skip(t.get(0))) return; // a short line is still reported as malformed
        }
        LdbParser.Parsed parsed = LdbParser.parse(line, official);
        if (parsed == null || isIgnored(parsed.rawName(), line)) return;
        LogicalSig sig = parsed.sig();
        int id = lsigs.size();
        lsigs.add(sig);
        for (int i = 0; i < sig.subCount(); i++) {
            if (parsed.bodies()[i] == null) continue;
            for (BodyPattern p : parsed.bodies()[i]) {
                patterns.add(p, sig.target(), parsed.offsets()[i], SignatureSet.owner(SignatureSet.OWNER_LSUB, id * 64 + i));
            }
        }
        count++;
    }

    // ---- container metadata, magic, configuration --------------------------------------------------

    void cdbLine(String line, boolean official) {
        List<String> f = Fields.split(line, ':');
        if (f.size() < 10 || f.size() > 12) throw new IllegalArgumentException("malformed container signature: expected 10 to 12 fields, found " + f.size());
        FileType ct = null;
        if (!f.get(1).equals("*")) {
            ct = FileType.fromClamName(f.get(1));
            if (ct == null) throw new IllegalArgumentException("unknown container type " + f.get(1));
        }
        long[] csize = Fields.range(f.get(2), "container size");
        java.util.regex.Pattern re = null;
        if (!f.get(3).equals("*")) {
            try {
                re = java.util.regex.Pattern.compile(f.get(3));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid file name regex: " + e.getDescription());
            }
        }
        long[] comp = Fields.range(f.get(4), "compressed size");
        long[] real = Fields.range(f.get(5), "real size");
        Boolean enc = switch (f.get(6)) {
            case "*" -> null;
            case "0" -> Boolean.FALSE;
            case "1" -> Boolean.TRUE;
            default -> throw new IllegalArgumentException("invalid encryption flag " + f.get(6));
        };
        long[] pos = Fields.range(f.get(7), "file position");
        if (!Fields.flevelOk(f, 10) || isIgnored(f.get(0), line)) return;
        containerRules.add(new ContainerRule(reportName(f.get(0), official), ct, csize, re, comp, real, enc, pos));
        count++;
    }

    /** .ftm line; returns true when an entry was added (unsupported magic types are skipped). */
    boolean ftmLine(String line) {
        List<String> f = Fields.split(line, ':');
        if (f.size() < 6 || f.size() > 8) throw new IllegalArgumentException("malformed filetype magic: expected 6 to 8 fields, found " + f.size());
        long kind = Fields.number(f.get(0), "magic type");
        FileType req = FileType.fromClamName(f.get(4)), res = FileType.fromClamName(f.get(5));
        if (req == null) throw new IllegalArgumentException("unknown type " + f.get(4));
        if (res == null) throw new IllegalArgumentException("unknown type " + f.get(5));
        if (!Fields.flevelOk(f, 6)) return false;
        if (kind == 0 || kind == 4) {
            int off = (int) Fields.number(f.get(1), "magic offset");
            magic.add(0, new MagicRule(0, off, Fields.hex(f.get(2), "magic"), f.get(3), req, res));
            return true;
        }
        if (kind == 1) {
            OffsetSpec off = Fields.offset(f.get(1), 0);
            MagicRule r = new MagicRule(1, -1, null, f.get(3), req, res);
            int id = magicPatternRules.size();
            magicPatternRules.add(r);
            magicPatterns.add(pattern(f.get(2)), 0, off, id);
            return true;
        }
        return false;
    }

    /** .cfg line CATEGORY:FLAGS:MINFL:MAXFL. Only "all off" (flags 0) of a category is honoured. */
    void cfgLine(String line) {
        List<String> f = Fields.split(line, ':');
        if (f.size() < 2) throw new IllegalArgumentException("malformed configuration line");
        String flags = f.get(1);
        long v;
        try {
            v = flags.startsWith("0x") ? Long.parseLong(flags.substring(2), 16) : Long.parseLong(flags);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid flags " + flags);
        }
        if (f.size() >= 4 && !Fields.flevelOk(f, 2)) return;
        if (v != 0) return;
        switch (f.get(0)) {
            case "ARCHIVE" -> dconfDisabled.add(ScanOptions.Parser.ARCHIVE);
            case "MAIL" -> dconfDisabled.add(ScanOptions.Parser.MAIL);
            case "PE" -> dconfDisabled.add(ScanOptions.Parser.PE);
            case "ELF" -> dconfDisabled.add(ScanOptions.Parser.ELF);
            case "DOCUMENT" -> { dconfDisabled.add(ScanOptions.Parser.PDF); dconfDisabled.add(ScanOptions.Parser.HTML); }
            default -> { }
        }
    }

    // ---- compile -----------------------------------------------------------------------------------

    /** The hash indexes and their names, built apart from the rest (on the hash lane, see {@link HashLane}). */
    record HashTables(HashIndex[] hashes, HashIndex[] sections, HashIndex[] allow, HashIndex imports, Names names) {}

    /** Builds the hash indexes and the hash names; touches nothing the pattern set's build does. */
    HashTables buildHashes() {
        HashIndex[] h = new HashIndex[3], s = new HashIndex[3], a = new HashIndex[3];
        for (int i = 0; i < 3; i++) {
            h[i] = hashes[i].build();
            s[i] = sections[i].build();
            a[i] = allow[i].build();
        }
        return new HashTables(h, s, a, imports.build(), hashNames.build());
    }

    /** Compiles everything; {@code between} runs after the hash indexes, before the pattern set is built. */
    SignatureSet build(PhishingDb phishing, List<YaraRuleSet> yara, int extraCount, Runnable between) {
        HashTables t = buildHashes();
        between.run();
        return build(phishing, yara, extraCount, () -> t);
    }

    /**
     * Compiles the pattern set and the rest, then takes the hash tables from {@code hashTables} (built
     * meanwhile on another thread by {@link #buildHashes}, or already built).
     */
    SignatureSet build(PhishingDb phishing, List<YaraRuleSet> yara, int extraCount, java.util.function.Supplier<HashTables> hashTables) {
        PatternSet ps = patterns.build();
        Names nn = ndbNames.build();
        PatternSet magicSet = magicPatterns.build();
        HashTables t = hashTables.get();
        return new SignatureSet(ps, nn, ndbOrder.toArray(), lsigs.toArray(new LogicalSig[0]), t.hashes(), t.sections(), t.allow(),
                t.imports(), t.names(), List.copyOf(containerRules), magic.isEmpty() ? null : List.copyOf(magic),
                magicSet, List.copyOf(magicPatternRules), Set.copyOf(dconfDisabled),
                phishing, yara, List.copyOf(deferred), hashCount + count + extraCount);
    }
}

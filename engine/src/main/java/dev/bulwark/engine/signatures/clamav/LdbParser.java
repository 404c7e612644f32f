package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.match.BodyPattern;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Parses one {@code .ldb} line (clamav-notes §1.4) into a {@link LogicalSig} and its body patterns. */
final class LdbParser {
    /** ClamAV's bound on subsignatures per logical signature. */
    static final int MAX_SUBSIGS = 64;
    /** At most this many TDB attributes (ClamAV rejects more). */
    private static final int MAX_ATTRIBUTES = 10;
    private static final Pattern BCOMP = Pattern.compile("(\\d+)\\((<<|>>)(\\d+)#([a-z]+)(\\d+)#(.+)\\)");
    private static final Pattern MACRO = Pattern.compile("\\$\\{(\\d+)-(\\d+)\\}(\\d+)\\$");

    private LdbParser() {}

    record Parsed(String rawName, LogicalSig sig, List<BodyPattern>[] bodies, OffsetSpec[] offsets) {}

    /** Splits on ';' except inside /regex/ spans of PCRE subsignatures. */
    static List<String> tokens(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inRe = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && inRe && i + 1 < line.length()) {
                cur.append(c).append(line.charAt(++i));
                continue;
            }
            if (c == '/' && out.size() >= 3) inRe = !inRe;
            if (c == ';' && !inRe) {
                out.add(cur.toString());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        out.add(cur.toString());
        return out;
    }

    /** Returns null when the signature is valid but does not apply (FLEVEL, unknown attribute, target). */
    @SuppressWarnings("unchecked")
    static Parsed parse(String line, boolean official) {
        List<String> t = tokens(line);
        if (t.size() < 4) throw new IllegalArgumentException("malformed logical signature: expected NAME;TDB;LOGIC;SUBSIG...");
        int nsub = t.size() - 3;
        if (nsub > MAX_SUBSIGS) throw new IllegalArgumentException("broken logical expression or too many subsignatures (" + nsub + " > 64)");
        String name = t.get(0);
        if (name.isEmpty()) throw new IllegalArgumentException("empty signature name");

        // target description block
        List<String> attrs = Fields.split(t.get(1), ',');
        if (attrs.size() > MAX_ATTRIBUTES) throw new IllegalArgumentException("too many TDB attributes");
        int target = -1;
        long engineMin = -1;
        long[] fileSize = null, ep = null, nsec = null;
        FileType container = null;
        FileType[] inter = null;
        boolean skip = false, icons = false, exeOnly = false, needsEngine = false;
        for (int i = 0; i < attrs.size(); i++) {
            String a = attrs.get(i);
            int colon = a.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("malformed TDB attribute '" + a + "'");
            String k = a.substring(0, colon), v = a.substring(colon + 1);
            switch (k) {
                case "Engine" -> {
                    if (i != 0) throw new IllegalArgumentException("Engine must be the first TDB attribute");
                    long[] r = minMax(v, k);
                    engineMin = r[0];
                    if (r[0] > Fields.FLEVEL || r[1] < Fields.FLEVEL) skip = true;
                }
                case "Target" -> target = (int) Math.min(Fields.number(v, "Target"), 1000);
                case "FileSize" -> { fileSize = minMax(v, k); needsEngine = true; }
                case "EntryPoint" -> { ep = minMax(v, k); exeOnly = true; needsEngine = true; }
                case "NumberOfSections" -> { nsec = minMax(v, k); exeOnly = true; needsEngine = true; }
                case "Container" -> {
                    container = FileType.fromClamName(v);
                    if (container == null) skip = true;
                    needsEngine = true;
                }
                case "Intermediates" -> {
                    List<String> parts = Fields.split(v, '>');
                    if (parts.size() > 16) throw new IllegalArgumentException("too many Intermediates");
                    inter = new FileType[parts.size()];
                    for (int j = 0; j < inter.length; j++) {
                        inter[j] = FileType.fromClamName(parts.get(j));
                        if (inter[j] == null) skip = true;
                    }
                    needsEngine = true;
                }
                case "IconGroup1", "IconGroup2" -> { icons = true; needsEngine = true; }
                case "HandlerType" -> {
                    if (FileType.fromClamName(v) == null) skip = true;
                    needsEngine = true;
                }
                default -> { skip = true; needsEngine = true; }
            }
        }
        if (needsEngine && engineMin < 51) throw new IllegalArgumentException("TDB attributes other than Target need Engine:51-255 or later as first attribute");
        if (target < 0) throw new IllegalArgumentException("no target specified in TDB");
        boolean exeTarget = target == 1 || target == 6 || target == 9;
        if (exeOnly && !exeTarget) throw new IllegalArgumentException("EntryPoint/NumberOfSections need target 1, 6 or 9");
        if (icons && target != 1) throw new IllegalArgumentException("IconGroup needs target 1");

        Logic logic;
        try {
            logic = Logic.parse(t.get(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (Logic.maxIndex(logic) + 1 != nsub)
            throw new IllegalArgumentException("logical expression uses " + (Logic.maxIndex(logic) + 1) + " subsignatures but " + nsub + " are given");

        LogicalSig.Sub[] subs = new LogicalSig.Sub[nsub];
        List<BodyPattern>[] bodies = new List[nsub];
        OffsetSpec[] offsets = new OffsetSpec[nsub];
        for (int i = 0; i < nsub; i++) {
            String s = t.get(3 + i);
            if (s.isEmpty()) throw new IllegalArgumentException("empty subsignature " + i);
            Matcher m;
            if (s.indexOf('/') >= 0) {
                subs[i] = pcre(s, target);
            } else if ((m = BCOMP.matcher(s)).matches()) {
                subs[i] = byteCompare(m, nsub);
            } else if ((m = MACRO.matcher(s)).matches()) {
                if (i == 0) throw new IllegalArgumentException("macro subsignature cannot be subsignature 0");
                int g = Integer.parseInt(m.group(3));
                if (g >= 32) throw new IllegalArgumentException("macro group " + g + " out of range (0-31)");
                subs[i] = new LogicalSig.Macro(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), g);
            } else if (s.startsWith("fuzzy_img#")) {
                subs[i] = new LogicalSig.Unsupported("image fuzzy hash");
            } else {
                subs[i] = new LogicalSig.BodySub();
                String mods = "";
                int dc = s.indexOf("::");
                if (dc >= 0) { mods = s.substring(dc + 2); s = s.substring(0, dc); }
                int colon = s.lastIndexOf(':');
                offsets[i] = colon >= 0 ? Fields.offset(s.substring(0, colon), target) : OffsetSpec.ANY;
                if (offsets[i].kind() == OffsetSpec.Kind.MACRO || offsets[i].kind() == OffsetSpec.Kind.VERSION_INFO)
                    throw new IllegalArgumentException("offset type not allowed in a subsignature");
                bodies[i] = body(colon >= 0 ? s.substring(colon + 1) : s, mods);
            }
        }
        if (skip || target >= 15) return null;
        if (icons) subs[0] = new LogicalSig.Unsupported("icon groups");
        LogicalSig sig = new LogicalSig(SignatureBuilder.reportName(name, official), SignatureSet.isWeak(name), target,
                fileSize, ep, nsec, container, inter, logic, nsub, subs, true);
        return new Parsed(name, sig, bodies, offsets);
    }

    private static long[] minMax(String v, String what) {
        int d = v.indexOf('-');
        if (d < 0) throw new IllegalArgumentException(what + " needs a min-max range");
        long a = Fields.number(v.substring(0, d), what), b = Fields.number(v.substring(d + 1), what);
        return new long[] {a, b};
    }

    private static List<BodyPattern> body(String hex, String mods) {
        boolean i = false, w = false, a = false, f = false;
        for (char c : mods.toCharArray()) {
            switch (c) {
                case 'i' -> i = true;
                case 'w' -> w = true;
                case 'a' -> a = true;
                case 'f' -> f = true;
                default -> throw new IllegalArgumentException("subsignature uses invalid option '" + c + "'");
            }
        }
        try {
            return HexPatternParser.parseSubsignature(hex, new HexPatternParser.Modifiers(i, w, a, f));
        } catch (PatternException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static LogicalSig.Pcre pcre(String s, int target) {
        int first = s.indexOf('/'), last = s.lastIndexOf('/');
        if (last == first) throw new IllegalArgumentException("PCRE subsignature without closing '/'");
        String prefix = s.substring(0, first), re = s.substring(first + 1, last), flags = s.substring(last + 1);
        OffsetSpec off = OffsetSpec.ANY;
        String trig = prefix;
        int colon = prefix.lastIndexOf(':');
        if (colon >= 0) {
            off = Fields.offset(prefix.substring(0, colon), target);
            trig = prefix.substring(colon + 1);
        }
        if (trig.isEmpty()) throw new IllegalArgumentException("PCRE subsig must contain logical trigger");
        Logic trigger = Logic.parse(trig);
        int jf = 0;
        boolean g = false, r = false, e = false, anchored = false;
        for (char c : flags.toCharArray()) {
            switch (c) {
                case 'i' -> jf |= Pattern.CASE_INSENSITIVE;
                case 's' -> jf |= Pattern.DOTALL;
                case 'm' -> jf |= Pattern.MULTILINE;
                case 'x' -> jf |= Pattern.COMMENTS;
                case 'g' -> g = true;
                case 'r' -> r = true;
                case 'e' -> e = true;
                case 'A' -> anchored = true;
                case 'E', 'U' -> { }
                default -> throw new IllegalArgumentException("unknown PCRE flag '" + c + "'");
            }
        }
        try {
            return new LogicalSig.Pcre(trigger, Pattern.compile(re, jf), off, g, r, e, anchored);
        } catch (PatternSyntaxException ex) {
            throw new IllegalArgumentException("invalid PCRE: " + ex.getDescription());
        }
    }

    private static LogicalSig.ByteCompare byteCompare(Matcher m, int nsub) {
        int ref = Integer.parseInt(m.group(1));
        if (ref >= nsub) throw new IllegalArgumentException("byte compare refers to missing subsignature " + ref);
        String opts = m.group(4);
        char base = opts.charAt(0);
        boolean little = false, exact = false;
        for (int i = 1; i < opts.length(); i++) {
            switch (opts.charAt(i)) {
                case 'l' -> little = true;
                case 'b' -> little = false;
                case 'e' -> exact = true;
                default -> throw new IllegalArgumentException("invalid byte compare option '" + opts.charAt(i) + "'");
            }
        }
        if ("hdai".indexOf(base) < 0) throw new IllegalArgumentException("invalid byte compare base '" + base + "'");
        int len = Integer.parseInt(m.group(5));
        if (base == 'd' && little) throw new IllegalArgumentException("decimal byte compare cannot be little-endian");
        if (base == 'i' && len != 1 && len != 2 && len != 4 && len != 8)
            throw new IllegalArgumentException("raw byte compare length must be 1, 2, 4 or 8");
        if (len < 1 || len > 64) throw new IllegalArgumentException("byte compare length out of range");
        List<String> cmps = Fields.split(m.group(6), ',');
        if (cmps.size() > 2) throw new IllegalArgumentException("at most two byte comparisons");
        char[] ops = new char[cmps.size()];
        long[] vals = new long[cmps.size()];
        for (int i = 0; i < ops.length; i++) {
            String c = cmps.get(i);
            if (c.length() < 2 || "<>=".indexOf(c.charAt(0)) < 0) throw new IllegalArgumentException("invalid byte comparison '" + c + "'");
            ops[i] = c.charAt(0);
            String v = c.substring(1);
            try {
                vals[i] = v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid byte comparison value '" + v + "'");
            }
        }
        return new LogicalSig.ByteCompare(ref, m.group(2).equals("<<"), Integer.parseInt(m.group(3)), base, little,
                exact, len, ops, vals);
    }
}

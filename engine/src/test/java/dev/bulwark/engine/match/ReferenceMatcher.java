package dev.bulwark.engine.match;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A deliberately naive reference for the body-pattern matcher: random ClamAV hex patterns are built
 * from a small token model that renders both the hex text (fed to {@link HexPatternParser}) and an
 * equivalent {@link java.util.regex} over the data read as ISO-8859-1. Matching tries the regex at
 * every allowed start position, so it shares no code with the atom index or the verifiers.
 */
final class ReferenceMatcher {
    /** Left/right assertion byte sets, as documented for ClamAV's (B) (clamav-notes §1.2). */
    private static final String LEFT_BOUNDARY = " \\-./<@_";
    private static final String RIGHT_BOUNDARY = "\\n\\r \"'\\-/=>_";

    /** One generated pattern: its hex text, its regex, its offset and how to plant an instance. */
    record Spec(String hex, Pattern regex, OffsetSpec offset, List<List<Tok>> parts, List<int[]> gaps,
                int leftAssert, int rightAssert) {
        boolean multiPart() { return parts.size() > 1; }
    }

    /** A token of a part: renders hex, regex, and can emit a matching byte sequence. */
    interface Tok {
        String hex();
        String regex();
        void emit(Random r, List<Integer> out);
    }

    record Lit(int b) implements Tok {
        public String hex() { return String.format("%02x", b); }
        public String regex() { return String.format("\\x{%02x}", b); }
        public void emit(Random r, List<Integer> out) { out.add(b); }
    }

    /** hi: "a?" (high nibble known), else "?a". */
    record Nibble(int v, boolean hi) implements Tok {
        public String hex() { return hi ? String.format("%x?", v) : String.format("?%x", v); }
        public String regex() {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < 16; i++) sb.append(String.format("\\x{%02x}", hi ? (v << 4) | i : (i << 4) | v));
            return sb.append(']').toString();
        }
        public void emit(Random r, List<Integer> out) { out.add(hi ? (v << 4) | r.nextInt(16) : (r.nextInt(16) << 4) | v); }
    }

    record AnyByte() implements Tok {
        public String hex() { return "??"; }
        public String regex() { return "."; }
        public void emit(Random r, List<Integer> out) { out.add(r.nextInt(256)); }
    }

    /** Alternatives of byte strings (possibly single bytes, possibly negated when fixed-length). */
    record Alt(List<List<Tok>> options, boolean negated) implements Tok {
        public String hex() {
            StringBuilder sb = new StringBuilder(negated ? "!(" : "(");
            for (int i = 0; i < options.size(); i++) {
                if (i > 0) sb.append('|');
                for (Tok t : options.get(i)) sb.append(t.hex());
            }
            return sb.append(')').toString();
        }
        public String regex() {
            StringBuilder sb = new StringBuilder("(?:");
            for (int i = 0; i < options.size(); i++) {
                if (i > 0) sb.append('|');
                for (Tok t : options.get(i)) sb.append(t.regex());
            }
            sb.append(')');
            if (!negated) return sb.toString();
            return "(?!" + sb + ")" + ".".repeat(options.get(0).size());
        }
        public void emit(Random r, List<Integer> out) {
            if (!negated) {
                for (Tok t : options.get(r.nextInt(options.size()))) t.emit(r, out);
                return;
            }
            int len = options.get(0).size();
            Pattern p = Pattern.compile("(?s)" + regex());
            while (true) {
                byte[] b = new byte[len];
                r.nextBytes(b);
                if (p.matcher(new String(b, StandardCharsets.ISO_8859_1)).matches()) {
                    for (byte x : b) out.add(x & 0xFF);
                    return;
                }
            }
        }
    }

    /** [x-y]: between x and y arbitrary bytes. */
    record Anchor(int min, int max) implements Tok {
        public String hex() { return "[" + min + "-" + max + "]"; }
        public String regex() { return ".{" + min + "," + max + "}"; }
        public void emit(Random r, List<Integer> out) {
            int n = min + r.nextInt(max - min + 1);
            for (int i = 0; i < n; i++) out.add(r.nextInt(256));
        }
    }

    // ---- generation ------------------------------------------------------------------------------

    /** Bytes drawn from a small alphabet half of the time so that random data produces accidental hits. */
    static int symbol(Random r) {
        return r.nextBoolean() ? "ABCD\0\u00ff".charAt(r.nextInt(6)) : r.nextInt(256);
    }

    static Spec generate(Random r, int maxParts) {
        return generate(r, maxParts, false);
    }

    /**
     * With {@code weak}, every pattern has 2+ parts, about half of them "weak" (two 2-byte runs split by
     * 2-3 wildcards, so the matcher finds them next to a neighbour instead of through its index), and
     * most gaps are bounded.
     */
    static Spec generate(Random r, int maxParts, boolean weak) {
        return generate(r, maxParts, weak, false);
    }

    /** Like {@link #generate(Random, int, boolean)}; with {@code open}, most gaps are unbounded ({@code *}, {@code {n-}}). */
    static Spec generate(Random r, int maxParts, boolean weak, boolean open) {
        int nParts = weak ? 2 + r.nextInt(Math.max(1, maxParts - 1))
                : 1 + (maxParts > 1 && r.nextInt(3) == 0 ? r.nextInt(maxParts) : 0);
        List<List<Tok>> parts = new ArrayList<>();
        List<int[]> gaps = new ArrayList<>();
        for (int i = 0; i < nParts; i++) {
            parts.add(weak && r.nextBoolean() ? weakPart(r) : part(r));
            if (i == 0) gaps.add(new int[] {0, 0});
            else {
                int k = open ? (r.nextInt(4) == 0 ? r.nextInt(4) : 2 * r.nextInt(2))
                        : weak && r.nextInt(4) != 0 ? 1 : r.nextInt(4);
                gaps.add(switch (k) {
                    case 0 -> new int[] {0, -1};                       // *
                    case 1 -> { int a = r.nextInt(20); yield new int[] {a, a + r.nextInt(40)}; } // {n-m}
                    case 2 -> new int[] {r.nextInt(30), -1};           // {n-}
                    default -> new int[] {130 + r.nextInt(10), -2};    // {n} with n >= 128: fixed split
                });
            }
        }
        int left = r.nextInt(6) == 0 ? 1 + r.nextInt(3) : 0;
        // ClamAV rejects an [x-y] anchored byte next to a boundary assertion
        if (parts.get(0).size() > 1 && parts.get(0).get(1) instanceof Anchor) left = 0;
        int right = r.nextInt(6) == 0 ? 1 + r.nextInt(3) : 0;
        boolean negL = r.nextBoolean(), negR = r.nextBoolean();
        StringBuilder hex = new StringBuilder(), rx = new StringBuilder("(?s)");
        if (left != 0) {
            hex.append(negL ? "!" : "").append(assertName(left));
            rx.append(leftRegex(left, negL));
        }
        for (int i = 0; i < nParts; i++) {
            if (i > 0) {
                int[] g = gaps.get(i);
                if (g[1] == -1 && g[0] == 0 && r.nextBoolean()) { hex.append('*'); rx.append(".*"); }
                else if (g[1] == -1) { hex.append('{').append(g[0]).append("-}"); rx.append(".{").append(g[0]).append(",}"); }
                else if (g[1] == -2) { hex.append('{').append(g[0]).append('}'); rx.append(".{").append(g[0]).append('}'); g[1] = g[0]; }
                else { hex.append('{').append(g[0]).append('-').append(g[1]).append('}'); rx.append(".{").append(g[0]).append(',').append(g[1]).append('}'); }
            }
            for (Tok t : parts.get(i)) { hex.append(t.hex()); rx.append(t.regex()); }
        }
        if (right != 0) {
            hex.append(negR ? "!" : "").append(assertName(right));
            rx.append(rightRegex(right, negR));
        }
        OffsetSpec off = switch (r.nextInt(6)) {
            case 0 -> new OffsetSpec(OffsetSpec.Kind.ABSOLUTE, r.nextInt(600), 0, r.nextInt(3) == 0 ? 0 : r.nextInt(2000));
            case 1 -> new OffsetSpec(OffsetSpec.Kind.EOF, r.nextInt(3000), 0, r.nextInt(3) == 0 ? 0 : r.nextInt(2000));
            default -> OffsetSpec.ANY;
        };
        return new Spec(hex.toString(), Pattern.compile(rx.toString()), off, parts, gaps,
                left == 0 ? 0 : left | (negL ? 8 : 0), right == 0 ? 0 : right | (negR ? 8 : 0));
    }

    private static String assertName(int k) { return k == 1 ? "(B)" : k == 2 ? "(L)" : "(W)"; }

    private static String leftRegex(int k, boolean neg) {
        String set = k == 1 ? "[" + LEFT_BOUNDARY + "]" : k == 2 ? "[\\n]" : "[^0-9A-Za-z]";
        // true at the start of the data or after a byte of the set; negation flips both
        return neg ? "(?<=" + complement(set) + ")" : "(?<!" + complement(set) + ")";
    }

    private static String rightRegex(int k, boolean neg) {
        String set = k == 1 ? "[" + RIGHT_BOUNDARY + "]" : k == 2 ? "[\\n\\r]" : "[^0-9A-Za-z]";
        return neg ? "(?=" + complement(set) + ")" : "(?!" + complement(set) + ")";
    }

    private static String complement(String set) {
        if (set.startsWith("[^")) return "[" + set.substring(2);
        if (set.startsWith("[")) return "[^" + set.substring(1);
        return "[^" + set + "]";
    }

    /** A part: optionally a 1-byte + [x-y] lead, a static run of >= 3 bytes, and random other tokens. */
    private static List<Tok> part(Random r) {
        List<Tok> t = new ArrayList<>();
        if (r.nextInt(8) == 0) {
            t.add(new Lit(symbol(r)));
            int a = r.nextInt(4);
            t.add(new Anchor(a, a + r.nextInt(4)));
            t.add(new Lit(symbol(r)));
            t.add(new Lit(symbol(r)));
        }
        int extra = r.nextInt(5);
        int staticAt = r.nextInt(extra + 1);
        for (int i = 0; i <= extra; i++) {
            if (i == staticAt) {
                int n = 3 + r.nextInt(4);
                for (int j = 0; j < n; j++) t.add(new Lit(symbol(r)));
                continue;
            }
            t.add(switch (r.nextInt(7)) {
                case 0 -> new Nibble(r.nextInt(16), r.nextBoolean());
                case 1 -> new AnyByte();
                case 2 -> singleByteAlt(r);
                case 3 -> genericAlt(r);
                case 4 -> fixedNegAlt(r);
                default -> new Lit(symbol(r));
            });
        }
        return t;
    }

    /** aa bb ?? ?? (??) cc dd, sometimes with an alternative of varying length before or after. */
    private static List<Tok> weakPart(Random r) {
        List<Tok> t = new ArrayList<>();
        if (r.nextInt(4) == 0) t.add(genericAlt(r));
        t.add(new Lit(symbol(r)));
        t.add(new Lit(symbol(r)));
        int wild = 2 + r.nextInt(2);
        for (int i = 0; i < wild; i++) t.add(new AnyByte());
        t.add(new Lit(symbol(r)));
        t.add(new Lit(symbol(r)));
        if (r.nextInt(4) == 0) t.add(genericAlt(r));
        return t;
    }

    private static Alt singleByteAlt(Random r) {
        List<List<Tok>> o = new ArrayList<>();
        int n = 2 + r.nextInt(3);
        for (int i = 0; i < n; i++) o.add(List.of(new Lit(symbol(r))));
        return new Alt(o, r.nextInt(3) == 0);
    }

    private static Alt genericAlt(Random r) {
        List<List<Tok>> o = new ArrayList<>();
        int n = 2 + r.nextInt(2);
        for (int i = 0; i < n; i++) {
            List<Tok> s = new ArrayList<>();
            int len = 1 + r.nextInt(3);
            for (int j = 0; j < len; j++) s.add(r.nextInt(4) == 0 ? new AnyByte() : new Lit(symbol(r)));
            if (len == 1 && s.get(0) instanceof Lit) s.add(new Lit(symbol(r)));
            o.add(s);
        }
        return new Alt(o, false);
    }

    private static Alt fixedNegAlt(Random r) {
        List<List<Tok>> o = new ArrayList<>();
        int len = 2 + r.nextInt(2), n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            List<Tok> s = new ArrayList<>();
            for (int j = 0; j < len; j++) s.add(new Lit(symbol(r)));
            o.add(s);
        }
        return new Alt(o, true);
    }

    /** Bytes that match the pattern (its parts with random gap fillers); assertions not enforced. */
    static byte[] instance(Random r, Spec s) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < s.parts.size(); i++) {
            if (i > 0) {
                int[] g = s.gaps.get(i);
                int n = g[1] < 0 ? g[0] + r.nextInt(50) : g[0] + r.nextInt(g[1] - g[0] + 1);
                for (int k = 0; k < n; k++) out.add(symbol(r));
            }
            for (Tok t : s.parts.get(i)) t.emit(r, out);
        }
        byte[] b = new byte[out.size()];
        for (int i = 0; i < b.length; i++) b[i] = (byte) (int) out.get(i);
        return b;
    }

    // ---- matching --------------------------------------------------------------------------------

    /** Every start offset at which the pattern matches the data, honouring its offset spec. */
    static List<Integer> starts(Spec s, byte[] data) {
        long lo = 0, hi = Long.MAX_VALUE;
        OffsetSpec o = s.offset;
        if (o.kind() != OffsetSpec.Kind.ANY) {
            lo = o.kind() == OffsetSpec.Kind.ABSOLUTE ? o.value() : data.length - o.value();
            if (lo < 0 || lo > data.length) return List.of();
            hi = lo + o.shift();
        }
        String text = new String(data, StandardCharsets.ISO_8859_1);
        Matcher m = s.regex.matcher(text);
        m.useTransparentBounds(true).useAnchoringBounds(false);
        List<Integer> out = new ArrayList<>();
        // find() returns the leftmost start at or after st, so stepping past it enumerates every start
        for (int st = (int) lo; st < data.length && st <= hi; ) {
            m.region(st, data.length);
            if (!m.find() || m.start() > hi) break;
            out.add(m.start());
            st = m.start() + 1;
        }
        return out;
    }
}

package dev.bulwark.engine.signatures.yara.re;

import dev.bulwark.engine.signatures.yara.re.Node.*;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A compiled YARA regular expression or hex string. Immutable and thread-safe. */
public final class Regex {
    private static final int MAX_PREFIX = 64; // positions examined when looking for atoms

    private final Program program;
    private final List<long[]> prefix;
    private final boolean anchoredStart;
    private final int maxLength;
    private final int quality;

    private Regex(Node node) throws RegexException {
        this.quality = AtomQuality.ofNode(node);
        this.program = Program.compile(node);
        this.prefix = new ArrayList<>();
        fixedPositions(node, prefix);
        this.anchoredStart = startsWithBegin(node);
        long m = maxLen(node);
        this.maxLength = m > Integer.MAX_VALUE ? -1 : (int) m;
    }

    /** Parses a YARA regex body (between the slashes). */
    public static Regex compile(String body, boolean nocase, boolean dotAll, boolean wide) throws RegexException {
        Node n = RegexParser.parse(body.getBytes(StandardCharsets.UTF_8), dotAll, nocase);
        if (wide) n = Node.wide(n);
        return new Regex(n);
    }

    /** Parses a hex string body (between the braces). */
    public static Regex compileHex(String body) throws RegexException {
        return new Regex(HexParser.parse(body));
    }

    public Program program() {
        return program;
    }

    /**
     * Byte sets at the fixed offsets 0..n-1 from the match start; an entry is null where the offset is fixed but
     * the byte is not a single class (inside an alternative). Used to choose atoms.
     */
    public List<long[]> prefix() {
        return prefix;
    }

    /** YARA-style quality of the best atom (below {@link AtomQuality#WARNING_THRESHOLD}: slow). */
    public int atomQuality() {
        return quality;
    }

    public boolean anchoredStart() {
        return anchoredStart;
    }

    /** Longest possible match, or -1 if unbounded. */
    public int maxLength() {
        return maxLength;
    }

    public boolean find(byte[] s, VmScratch scratch) {
        return program.find(s, 0, s.length, scratch);
    }

    private static boolean startsWithBegin(Node n) {
        if (n instanceof Assert a) return a.kind() == AssertKind.BEGIN;
        if (n instanceof Cat c && !c.items().isEmpty()) return startsWithBegin(c.items().get(0));
        return false;
    }

    private static long maxLen(Node n) {
        return switch (n) {
            case Cls c -> 1;
            case Cat c -> {
                long t = 0;
                for (Node i : c.items()) {
                    long m = maxLen(i);
                    if (m < 0) yield -1;
                    t += m;
                }
                yield t;
            }
            case Alt a -> {
                long t = 0;
                for (Node i : a.items()) {
                    long m = maxLen(i);
                    if (m < 0) yield -1;
                    t = Math.max(t, m);
                }
                yield t;
            }
            case Rep r -> {
                long m = maxLen(r.node());
                yield m < 0 || r.max() < 0 ? (m == 0 ? 0 : -1) : m * r.max();
            }
            default -> 0;
        };
    }

    /** Fixed length of n, or -1 if it varies. */
    private static int fixedLen(Node n) {
        return switch (n) {
            case Cls c -> 1;
            case Cat c -> {
                int t = 0;
                for (Node i : c.items()) {
                    int m = fixedLen(i);
                    if (m < 0) yield -1;
                    t += m;
                }
                yield t;
            }
            case Alt a -> {
                int t = -2;
                for (Node i : a.items()) {
                    int m = fixedLen(i);
                    if (m < 0 || (t != -2 && m != t)) yield -1;
                    t = m;
                }
                yield t;
            }
            case Rep r -> {
                int m = fixedLen(r.node());
                yield m < 0 || r.min() != r.max() || (long) m * r.min() > MAX_PREFIX ? -1 : m * r.min();
            }
            default -> 0;
        };
    }

    /** Appends the classes at fixed offsets; returns false once an offset is no longer fixed. */
    private static boolean fixedPositions(Node n, List<long[]> out) {
        if (out.size() >= MAX_PREFIX) return false;
        switch (n) {
            case Cls c -> {
                out.add(c.bits());
                return true;
            }
            case Cat c -> {
                for (Node i : c.items()) {
                    if (!fixedPositions(i, out)) return false;
                }
                return true;
            }
            case Rep r -> {
                if (r.min() == r.max() && fixedLen(r.node()) >= 0 && (long) fixedLen(r.node()) * r.min() <= MAX_PREFIX) {
                    for (int i = 0; i < r.min(); i++) {
                        if (!fixedPositions(r.node(), out)) return false;
                    }
                    return true;
                }
                // the first min copies are still at fixed offsets
                for (int i = 0; i < r.min() && out.size() < MAX_PREFIX; i++) {
                    if (!fixedPositions(r.node(), out)) return false;
                }
                return false;
            }
            case Alt a -> {
                int len = fixedLen(a);
                if (len < 0) return false;
                for (int i = 0; i < len; i++) out.add(null);
                return true;
            }
            default -> {
                return true;
            }
        }
    }
}

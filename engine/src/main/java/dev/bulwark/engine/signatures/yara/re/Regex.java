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
    private final Node node;
    private final boolean unboundedDot;

    private Regex(Node node, boolean hex, boolean unboundedDot) throws RegexException {
        this.node = node;
        this.unboundedDot = unboundedDot;
        this.quality = AtomQuality.ofNode(node, hex);
        this.program = Program.compile(node);
        this.prefix = new ArrayList<>();
        fixedPositions(node, prefix);
        this.anchoredStart = startsWithBegin(node);
        long m = maxLen(node);
        this.maxLength = m > Integer.MAX_VALUE ? -1 : (int) m;
    }

    /**
     * A run of consecutive single-byte positions at top level of the expression, starting between minOffset and
     * maxOffset bytes after the match start (maxOffset capped at the scan limit).
     */
    public record Run(List<long[]> positions, int minOffset, int maxOffset) {}

    static final int BACKWARD_LIMIT = 4096; // like YARA, matches reaching further back than this before the atom are missed

    /** Candidate atom runs: the fixed prefix first, then runs after variable-length parts. */
    public List<Run> runs() {
        List<Run> out = new ArrayList<>();
        if (!prefix.isEmpty()) out.add(new Run(prefix, 0, 0));
        List<Node> items = new ArrayList<>();
        flatten(node, items);
        long min = 0, max = 0;
        List<long[]> run = null;
        int runMin = 0, runMax = 0;
        for (Node it : items) {
            if (it instanceof Cls c) {
                if (run == null) {
                    run = new ArrayList<>();
                    runMin = (int) Math.min(min, BACKWARD_LIMIT);
                    runMax = (int) Math.min(max, BACKWARD_LIMIT);
                }
                run.add(c.bits());
                min++;
                max++;
                continue;
            }
            if (run != null && runMax > 0) out.add(new Run(run, runMin, runMax));
            run = null;
            min += minLen(it);
            long mx = maxLen(it);
            max = mx < 0 || max + mx > BACKWARD_LIMIT ? BACKWARD_LIMIT : max + mx;
            if (min > BACKWARD_LIMIT) break;
        }
        if (run != null && runMax > 0) out.add(new Run(run, runMin, runMax));
        return out;
    }

    /** For each top-level alternative: one run per branch (the branch's fixed prefix), at the alternative's offsets. */
    public List<List<Run>> alternatives() {
        List<List<Run>> out = new ArrayList<>();
        List<Node> items = new ArrayList<>();
        flatten(node, items);
        long min = 0, max = 0;
        for (Node it : items) {
            if (it instanceof Alt a) {
                List<Run> branches = new ArrayList<>();
                for (Node b : a.items()) {
                    List<long[]> pos = new ArrayList<>();
                    fixedPositions(b, pos);
                    if (pos.isEmpty()) {
                        branches = null;
                        break;
                    }
                    branches.add(new Run(pos, (int) Math.min(min, BACKWARD_LIMIT), (int) Math.min(max, BACKWARD_LIMIT)));
                }
                if (branches != null) out.add(branches);
            }
            min += minLen(it);
            long mx = maxLen(it);
            max = mx < 0 || max + mx > BACKWARD_LIMIT ? BACKWARD_LIMIT : max + mx;
            if (min > BACKWARD_LIMIT) break;
        }
        return out;
    }

    private static void flatten(Node n, List<Node> out) {
        if (n instanceof Cat c) {
            for (Node i : c.items()) flatten(i, out);
        } else {
            out.add(n);
        }
    }

    private static long minLen(Node n) {
        return switch (n) {
            case Cls c -> 1;
            case Cat c -> {
                long t = 0; // loops, not streams: this runs per string while rules compile on a cold JVM
                for (Node i : c.items()) t += minLen(i);
                yield t;
            }
            case Alt a -> {
                long m = Long.MAX_VALUE;
                for (Node i : a.items()) m = Math.min(m, minLen(i));
                yield m == Long.MAX_VALUE ? 0 : m;
            }
            case Rep r -> minLen(r.node()) * r.min();
            default -> 0;
        };
    }

    /** Parses a YARA regex body (between the slashes). */
    public static Regex compile(String body, boolean nocase, boolean dotAll, boolean wide) throws RegexException {
        Node n = RegexParser.parse(body.getBytes(StandardCharsets.UTF_8), dotAll, nocase);
        boolean dot = AtomQuality.hasUnboundedDot(n);
        if (wide) n = Node.wide(n);
        return new Regex(n, false, dot);
    }

    /** Parses a hex string body (between the braces). */
    public static Regex compileHex(String body) throws RegexException {
        return new Regex(HexParser.parse(body), true, false);
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

    /** A regex with {@code .*}, {@code .+} or {@code .{x,}} where yara 4.2 warns about it (never a hex string). */
    public boolean unboundedDot() {
        return unboundedDot;
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

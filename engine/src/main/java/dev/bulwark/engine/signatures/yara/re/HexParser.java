package dev.bulwark.engine.signatures.yara.re;

import dev.bulwark.engine.signatures.yara.re.Node.*;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the body of a YARA hex string: bytes, {@code ??} and nibble wildcards, {@code ~} negation, jumps
 * {@code [n] [n-m] [n-] [-]} and alternatives {@code ( a | b )}. Jumps become lazy any-byte repetitions, the way
 * YARA compiles them.
 */
final class HexParser {
    private static final int MAX_NESTING = 100; // alternative nesting; bounds recursion on hostile input
    private static final long MAX_JUMP = Integer.MAX_VALUE; // larger bounds are rejected as YARA does

    private final String s;
    private int p;
    private int depth;

    private HexParser(String s) {
        this.s = s;
    }

    static Node parse(String body) throws RegexException {
        HexParser hp = new HexParser(body);
        List<Node> seq = hp.sequence(false);
        hp.skipSpace();
        if (hp.p < body.length()) throw new RegexException("invalid hex string: unexpected '" + body.charAt(hp.p) + "'");
        if (seq.isEmpty()) throw new RegexException("invalid hex string: empty");
        if (isJump(seq.get(0)) || isJump(seq.get(seq.size() - 1))) {
            throw new RegexException("invalid hex string: jumps are not allowed at the beginning or end");
        }
        return seq.size() == 1 ? seq.get(0) : new Cat(seq);
    }

    private static boolean isJump(Node n) {
        return n instanceof Rep r && r.node() instanceof Cls c && c.count() == 256 && !r.greedy();
    }

    private void skipSpace() {
        while (p < s.length() && Character.isWhitespace(s.charAt(p))) p++;
    }

    private List<Node> sequence(boolean inAlt) throws RegexException {
        List<Node> out = new ArrayList<>();
        while (true) {
            skipSpace();
            if (p >= s.length()) break;
            char c = s.charAt(p);
            if (c == '|' || c == ')') break;
            if (c == '(') {
                if (++depth > MAX_NESTING) throw new RegexException("invalid hex string: too many nested alternatives");
                p++;
                List<Node> alts = new ArrayList<>();
                while (true) {
                    List<Node> seq = sequence(true);
                    if (seq.isEmpty()) throw new RegexException("invalid hex string: empty alternative");
                    if (isJump(seq.get(0)) || isJump(seq.get(seq.size() - 1))) {
                        throw new RegexException("invalid hex string: jumps are not allowed at the beginning or end of an alternative");
                    }
                    alts.add(seq.size() == 1 ? seq.get(0) : new Cat(seq));
                    skipSpace();
                    if (p < s.length() && s.charAt(p) == '|') {
                        p++;
                        continue;
                    }
                    if (p < s.length() && s.charAt(p) == ')') {
                        p++;
                        break;
                    }
                    throw new RegexException("invalid hex string: unterminated alternative");
                }
                depth--;
                out.add(alts.size() == 1 ? alts.get(0) : new Alt(alts));
            } else if (c == '[') {
                out.add(jump(inAlt));
            } else if (c == '~') {
                p++;
                skipSpace();
                Cls b = byteToken();
                if (b.count() == 256) throw new RegexException("invalid hex string: ~?? is not allowed");
                long[] w = b.bits().clone();
                for (int i = 0; i < 4; i++) w[i] = ~w[i];
                out.add(new Cls(w));
            } else {
                out.add(byteToken());
            }
        }
        return out;
    }

    private Cls byteToken() throws RegexException {
        if (p + 1 >= s.length()) throw new RegexException("invalid hex string: incomplete byte");
        int hi = nibble(s.charAt(p)), lo = nibble(s.charAt(p + 1));
        if (hi == -2 || lo == -2) throw new RegexException("invalid hex string: unexpected '" + s.substring(p, p + 2) + "'");
        p += 2;
        long[] w = new long[4];
        if (hi >= 0 && lo >= 0) {
            int b = hi << 4 | lo;
            w[b >> 6] = 1L << (b & 63);
        } else if (hi < 0 && lo < 0) {
            java.util.Arrays.fill(w, -1L);
        } else {
            for (int x = 0; x < 16; x++) {
                int b = hi < 0 ? x << 4 | lo : hi << 4 | x;
                w[b >> 6] |= 1L << (b & 63);
            }
        }
        return new Cls(w);
    }

    /** -1 for '?', -2 if not a hex digit. */
    private static int nibble(char c) {
        if (c == '?') return -1;
        int d = Character.digit(c, 16);
        return d < 0 ? -2 : d;
    }

    private Node jump(boolean inAlt) throws RegexException {
        p++;
        skipSpace();
        long lo = number();
        long hi;
        skipSpace();
        if (p < s.length() && s.charAt(p) == '-') {
            p++;
            skipSpace();
            hi = number();
            if (lo < 0) lo = 0;
        } else {
            if (lo < 0) throw new RegexException("invalid hex string: malformed jump");
            hi = lo;
        }
        skipSpace();
        if (p >= s.length() || s.charAt(p) != ']') throw new RegexException("invalid hex string: malformed jump");
        p++;
        if (lo > MAX_JUMP || hi > MAX_JUMP) throw new RegexException("invalid hex string: jump too large");
        if (hi >= 0 && hi < lo) throw new RegexException("invalid hex string: invalid jump range");
        if (hi == 0) throw new RegexException("invalid hex string: invalid jump length");
        if (inAlt && hi < 0) throw new RegexException("invalid hex string: unbounded jumps not allowed inside alternation");
        return new Rep(Cls.any(), (int) lo, (int) hi, false);
    }

    private long number() throws RegexException {
        int radix = 10;
        if (s.startsWith("0x", p) || s.startsWith("0o", p)) {
            radix = s.charAt(p + 1) == 'x' ? 16 : 8;
            p += 2;
        }
        int st = p;
        while (p < s.length() && Character.digit(s.charAt(p), radix) >= 0) p++;
        if (p == st) {
            if (radix != 10) throw new RegexException("invalid hex string: malformed jump");
            return -1;
        }
        if (p - st > 12) throw new RegexException("invalid hex string: jump too large");
        return Long.parseLong(s.substring(st, p), radix);
    }
}

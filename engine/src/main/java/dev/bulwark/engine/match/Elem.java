package dev.bulwark.engine.match;

/**
 * One element of a body pattern part. Elements are only touched when verifying a candidate found by
 * the literal automaton, so they are small objects rather than flat tables.
 */
public sealed interface Elem {

    /** A single byte compared under a mask: 0xFF exact, 0xF0/0x0F nibble, 0x00 any, 0xDF case-folded letter. */
    record Lit(byte value, byte mask) implements Elem {
        boolean matches(int b) { return ((b ^ value) & mask & 0xFF) == 0; }
        boolean exact() { return mask == (byte) 0xFF; }
        boolean folded() { return mask == (byte) 0xDF; }
    }

    /** A single byte from a set (alternatives of single bytes, negated sets, boundary classes). */
    record Cls(long[] bits) implements Elem {
        boolean matches(int b) { return (bits[b >>> 6] & (1L << b)) != 0; }
    }

    /** One of several byte sequences, possibly of different lengths. */
    record Alt(Elem[][] options) implements Elem {}

    /** Any sequence of {@code len} bytes that is none of the options (negated fixed-length alternatives). */
    record NegAlt(Elem[][] options, int len) implements Elem {}

    /** Between min and max arbitrary bytes (only short, bounded gaps live inside a part). */
    record Gap(int min, int max) implements Elem {}

    /**
     * The shared instance of a literal: there are only 65,536 (value, mask) pairs, and a large database
     * has millions of literal elements, so they are interned (records are immutable; a race at most
     * creates a duplicate).
     */
    static Lit lit(byte value, byte mask) {
        int i = (value & 0xFF) << 8 | (mask & 0xFF);
        Lit l = Interned.LITS[i];
        if (l == null) Interned.LITS[i] = l = new Lit(value, mask);
        return l;
    }

    /** Holder of the interned literals (an interface cannot have private static fields). */
    final class Interned {
        private static final Lit[] LITS = new Lit[1 << 16];

        private Interned() {}
    }

    static Cls classOf(boolean negate, int... bytes) {
        long[] bits = new long[4];
        for (int b : bytes) bits[b >>> 6] |= 1L << b;
        if (negate) for (int i = 0; i < 4; i++) bits[i] = ~bits[i];
        return new Cls(bits);
    }
}

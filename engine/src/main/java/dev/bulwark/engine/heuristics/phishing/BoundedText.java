package dev.bulwark.engine.heuristics.phishing;

/**
 * A CharSequence that gives up after a number of character reads: java.util.regex has no step
 * limit, so a pathological database regex against a hostile URL would otherwise run for ever.
 */
final class BoundedText implements CharSequence {
    /** Character reads allowed per match attempt (ClamAV's PCRE match limit is of the same order). */
    static final long MAX_READS = 1_000_000;

    static final class Exhausted extends RuntimeException {
        Exhausted() { super(null, null, false, false); }
    }

    private final String s;
    private final long[] reads;

    BoundedText(String s) {
        this(s, new long[1]);
    }

    private BoundedText(String s, long[] reads) {
        this.s = s;
        this.reads = reads;
    }

    @Override public int length() { return s.length(); }

    @Override public char charAt(int index) {
        if (++reads[0] > MAX_READS) throw new Exhausted();
        return s.charAt(index);
    }

    @Override public CharSequence subSequence(int start, int end) {
        return new BoundedText(s.substring(start, end), reads);
    }

    @Override public String toString() { return s; }
}

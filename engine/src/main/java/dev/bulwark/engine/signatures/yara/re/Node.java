package dev.bulwark.engine.signatures.yara.re;

import java.util.ArrayList;
import java.util.List;

/** Byte-level regular-expression tree shared by YARA regexes and hex strings. */
public sealed interface Node {

    /** One byte out of a 256-bit set. */
    record Cls(long[] bits) implements Node {
        static Cls of(int b) {
            long[] w = new long[4];
            w[b >> 6] |= 1L << (b & 63);
            return new Cls(w);
        }

        static Cls any() {
            return new Cls(new long[] {-1L, -1L, -1L, -1L});
        }

        boolean has(int b) {
            return (bits[b >> 6] & (1L << (b & 63))) != 0;
        }

        int count() {
            return Long.bitCount(bits[0]) + Long.bitCount(bits[1]) + Long.bitCount(bits[2]) + Long.bitCount(bits[3]);
        }
    }

    record Cat(List<Node> items) implements Node {}

    record Alt(List<Node> items) implements Node {}

    /** max = -1 for unbounded. */
    record Rep(Node node, int min, int max, boolean greedy) implements Node {}

    enum AssertKind { BEGIN, END, WORD_BOUNDARY, NOT_WORD_BOUNDARY, WIDE_WORD_BOUNDARY, WIDE_NOT_WORD_BOUNDARY }

    record Assert(AssertKind kind) implements Node {}

    record Empty() implements Node {}

    /** Interleaves a zero byte after every class, YARA's "wide" form of a regex. */
    static Node wide(Node n) {
        return switch (n) {
            case Cls c -> new Cat(List.of(c, Cls.of(0)));
            case Cat cat -> new Cat(map(cat.items()));
            case Alt alt -> new Alt(map(alt.items()));
            case Rep r -> new Rep(wide(r.node()), r.min(), r.max(), r.greedy());
            case Assert a when a.kind() == AssertKind.WORD_BOUNDARY -> new Assert(AssertKind.WIDE_WORD_BOUNDARY);
            case Assert a when a.kind() == AssertKind.NOT_WORD_BOUNDARY -> new Assert(AssertKind.WIDE_NOT_WORD_BOUNDARY);
            default -> n;
        };
    }

    private static List<Node> map(List<Node> in) {
        List<Node> out = new ArrayList<>(in.size());
        for (Node x : in) out.add(wide(x));
        return out;
    }
}

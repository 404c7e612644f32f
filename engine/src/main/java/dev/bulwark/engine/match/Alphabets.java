package dev.bulwark.engine.match;

/**
 * Whether a body pattern can occur at all in data made only of the bytes of an alphabet (a 256-bit set, four
 * longs). A normalised view emits few byte values (the text view: printable ASCII without upper case), and a
 * pattern needing another byte there can never match it, so a view that no pattern of its targets can match
 * needs no matching pass. Conservative: negated alternatives and gaps are taken to fit any alphabet.
 */
public final class Alphabets {
    private Alphabets() {}

    /** True when some buffer over {@code alphabet} could hold a match of {@code p}. */
    static boolean fits(BodyPattern p, long[] alphabet) {
        for (Elem[] part : p.parts) if (!fits(part, alphabet)) return false;
        return true;
    }

    private static boolean fits(Elem[] seq, long[] alphabet) {
        for (Elem e : seq) if (!fits(e, alphabet)) return false;
        return true;
    }

    private static boolean fits(Elem e, long[] alphabet) {
        return switch (e) {
            case Elem.Lit l -> litFits(l.value() & 0xFF, l.mask() & 0xFF, alphabet);
            case Elem.Cls c -> (c.bits()[0] & alphabet[0]) != 0 || (c.bits()[1] & alphabet[1]) != 0
                    || (c.bits()[2] & alphabet[2]) != 0 || (c.bits()[3] & alphabet[3]) != 0;
            case Elem.Alt a -> {
                for (Elem[] option : a.options()) if (fits(option, alphabet)) yield true;
                yield false;
            }
            case Elem.NegAlt n -> true;
            case Elem.Gap g -> true;
        };
    }

    private static boolean litFits(int value, int mask, long[] alphabet) {
        for (int b = 0; b < 256; b++) {
            if (((b ^ value) & mask) == 0 && (alphabet[b >>> 6] & 1L << b) != 0) return true;
        }
        return false;
    }
}

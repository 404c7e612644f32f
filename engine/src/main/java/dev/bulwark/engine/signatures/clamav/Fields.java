package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.match.OffsetSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Small parsing helpers shared by the line parsers. Every failure is an IllegalArgumentException with a reason. */
final class Fields {
    /** ClamAV 1.4's functionality level: signatures outside their MINFL..MAXFL range are skipped. */
    static final int FLEVEL = 216;

    private Fields() {}

    /** Splits on a separator without dropping trailing empty fields (ClamAV counts them). */
    static List<String> split(String line, char sep) {
        List<String> out = new ArrayList<>(8); // 8: the widest common line (.ndb with MINFL/MAXFL) fits without growing
        int st = 0;
        for (int i = line.indexOf(sep); i >= 0; i = line.indexOf(sep, st)) {
            out.add(line.substring(st, i));
            st = i + 1;
        }
        out.add(line.substring(st));
        return out;
    }

    static long number(String s, String what) {
        if (s.isEmpty() || s.length() > 18) throw new IllegalArgumentException("invalid value for " + what + ": '" + s + "'");
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) throw new IllegalArgumentException("invalid value for " + what + ": '" + s + "'");
        }
        return Long.parseLong(s);
    }

    /** Checks optional MINFL/MAXFL fields; returns false when the signature does not apply to this engine. */
    static boolean flevelOk(List<String> f, int minIdx) {
        if (f.size() > minIdx && !f.get(minIdx).isEmpty()) {
            long min = number(f.get(minIdx), "minimum FLEVEL");
            if (min > FLEVEL) return false;
        }
        if (f.size() > minIdx + 1 && !f.get(minIdx + 1).isEmpty()) {
            long max = number(f.get(minIdx + 1), "maximum FLEVEL");
            if (max < FLEVEL) return false;
        }
        return true;
    }

    /** "*" → null, "n" → [n,n], "a-b" → [a,b]. */
    static long[] range(String s, String what) {
        if (s.equals("*")) return null;
        int d = s.indexOf('-');
        if (d < 0) {
            long v = number(s, what);
            return new long[] {v, v};
        }
        long a = number(s.substring(0, d), what), b = number(s.substring(d + 1), what);
        if (b < a) throw new IllegalArgumentException("invalid range for " + what + ": " + s);
        return new long[] {a, b};
    }

    static byte[] hex(String s, String what) {
        if ((s.length() & 1) != 0) throw new IllegalArgumentException("odd number of hex digits in " + what);
        try {
            return HexFormat.of().parseHex(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid hex in " + what);
        }
    }

    /**
     * Parses a body-signature offset (§1.3). Returns a spec, or a MACRO spec for {@code $g$}.
     * Executable-relative forms are only accepted for targets 1 (PE), 6 (ELF) and 9 (Mach-O).
     */
    static OffsetSpec offset(String s, int target) {
        if (s.equals("*")) return OffsetSpec.ANY;
        if (s.length() >= 2 && s.startsWith("$")) {
            long g = number(s.substring(1, s.endsWith("$") && s.length() > 2 ? s.length() - 1 : s.length()), "macro group");
            if (g >= 32) throw new IllegalArgumentException("macro group " + g + " out of range (0-31)");
            return new OffsetSpec(OffsetSpec.Kind.MACRO, g, 0, 0);
        }
        long shift = 0;
        int comma = s.indexOf(',');
        String base = s;
        if (comma >= 0) {
            shift = number(s.substring(comma + 1), "offset shift");
            base = s.substring(0, comma);
        }
        boolean exeTarget = target == 1 || target == 6 || target == 9;
        OffsetSpec spec;
        if (base.startsWith("EOF-")) {
            spec = new OffsetSpec(OffsetSpec.Kind.EOF, number(base.substring(4), "offset"), 0, shift);
        } else if (base.startsWith("EP+") || base.startsWith("EP-")) {
            long v = number(base.substring(3), "offset");
            spec = new OffsetSpec(OffsetSpec.Kind.EP, base.charAt(2) == '-' ? -v : v, 0, shift);
        } else if (base.startsWith("SL+")) {
            spec = new OffsetSpec(OffsetSpec.Kind.LAST_SECTION, number(base.substring(3), "offset"), 0, shift);
        } else if (base.startsWith("SE")) {
            spec = new OffsetSpec(OffsetSpec.Kind.SECTION_WHOLE, 0, (int) number(base.substring(2), "section"), shift);
        } else if (base.startsWith("S") && base.indexOf('+') > 1) {
            int plus = base.indexOf('+');
            spec = new OffsetSpec(OffsetSpec.Kind.SECTION_START, number(base.substring(plus + 1), "offset"),
                    (int) number(base.substring(1, plus), "section"), shift);
        } else if (base.equals("VI")) {
            spec = new OffsetSpec(OffsetSpec.Kind.VERSION_INFO, 0, 0, 0);
        } else {
            spec = new OffsetSpec(OffsetSpec.Kind.ABSOLUTE, number(base, "offset"), 0, shift);
        }
        if (spec.needsExecutable() && !exeTarget)
            throw new IllegalArgumentException("invalid offset type for target " + target);
        return spec;
    }
}

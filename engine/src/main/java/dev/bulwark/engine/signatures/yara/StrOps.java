package dev.bulwark.engine.signatures.yara;

/** The string operators of conditions; case-insensitive forms fold ASCII only, as YARA does. */
final class StrOps {
    private StrOps() {}

    static boolean apply(String op, byte[] s, byte[] t) {
        return switch (op) {
            case "contains" -> indexOf(s, t, false) >= 0;
            case "icontains" -> indexOf(s, t, true) >= 0;
            case "startswith" -> s.length >= t.length && regionEq(s, 0, t, false);
            case "istartswith" -> s.length >= t.length && regionEq(s, 0, t, true);
            case "endswith" -> s.length >= t.length && regionEq(s, s.length - t.length, t, false);
            case "iendswith" -> s.length >= t.length && regionEq(s, s.length - t.length, t, true);
            default -> s.length == t.length && regionEq(s, 0, t, true); // iequals
        };
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean regionEq(byte[] s, int at, byte[] t, boolean fold) {
        for (int i = 0; i < t.length; i++) {
            int a = s[at + i] & 0xFF, b = t[i] & 0xFF;
            if (a != b && (!fold || lower(a) != lower(b))) return false;
        }
        return true;
    }

    static int indexOf(byte[] s, byte[] t, boolean fold) {
        for (int i = 0; i + t.length <= s.length; i++) {
            if (regionEq(s, i, t, fold)) return i;
        }
        return -1;
    }
}

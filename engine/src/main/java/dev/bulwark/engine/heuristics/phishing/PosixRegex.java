package dev.bulwark.engine.heuristics.phishing;

/** Translates the POSIX extended regular expressions of phishing databases into java.util.regex syntax. */
final class PosixRegex {
    private static final int MAX_PATTERN = 4096; // ClamAV reads database lines of at most 8 KiB

    private PosixRegex() {}

    static String toJava(String posix) {
        if (posix.length() > MAX_PATTERN) throw new IllegalArgumentException("regex longer than " + MAX_PATTERN);
        StringBuilder sb = new StringBuilder(posix.length() + 16);
        int i = 0, n = posix.length();
        while (i < n) {
            char c = posix.charAt(i);
            if (c == '\\' && i + 1 < n) {
                sb.append(c).append(posix.charAt(i + 1));
                i += 2;
            } else if (c == '[') {
                i = bracket(posix, i, sb);
            } else {
                sb.append(c);
                i++;
            }
        }
        return sb.toString();
    }

    /** Copies one bracket expression starting at {@code i}; returns the index after it. */
    private static int bracket(String p, int i, StringBuilder sb) {
        int n = p.length();
        sb.append('[');
        i++;
        if (i < n && p.charAt(i) == '^') { sb.append('^'); i++; }
        if (i < n && p.charAt(i) == ']') { sb.append("\\]"); i++; }
        while (i < n && p.charAt(i) != ']') {
            char c = p.charAt(i);
            if (c == '[' && i + 1 < n && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close < 0) throw new IllegalArgumentException("unterminated character class");
                sb.append(javaClass(p.substring(i + 2, close)));
                i = close + 2;
                continue;
            }
            if (c == '\\' || c == '[' || c == '&' || (c == '^')) sb.append('\\');
            sb.append(c);
            i++;
        }
        if (i >= n) throw new IllegalArgumentException("unterminated bracket expression");
        sb.append(']');
        return i + 1;
    }

    private static String javaClass(String name) {
        return switch (name) {
            case "alpha" -> "\\p{Alpha}";
            case "digit" -> "\\p{Digit}";
            case "alnum" -> "\\p{Alnum}";
            case "upper" -> "\\p{Upper}";
            case "lower" -> "\\p{Lower}";
            case "space" -> "\\s";
            case "punct" -> "\\p{Punct}";
            case "xdigit" -> "\\p{XDigit}";
            case "print" -> "\\p{Print}";
            case "graph" -> "\\p{Graph}";
            case "cntrl" -> "\\p{Cntrl}";
            case "blank" -> " \\t";
            default -> throw new IllegalArgumentException("unknown character class [:" + name + ":]");
        };
    }
}

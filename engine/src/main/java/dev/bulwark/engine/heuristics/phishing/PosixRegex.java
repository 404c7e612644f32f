package dev.bulwark.engine.heuristics.phishing;

/**
 * Translates the POSIX extended regular expressions of phishing databases into java.util.regex
 * syntax, and rejects malformed ones with a clear message before java.util.regex sees them.
 * Constructs POSIX leaves undefined are read literally: a backslash before a letter or digit, a
 * brace that does not start a valid bound, a repetition operator with nothing to repeat.
 */
final class PosixRegex {
    private static final int MAX_PATTERN = 4096; // ClamAV reads database lines of at most 8 KiB
    private static final int MAX_BOUND = 1000;    // larger {m,n} bounds are refused

    private PosixRegex() {}

    static String toJava(String posix) {
        if (posix.length() > MAX_PATTERN) throw new IllegalArgumentException("regex longer than " + MAX_PATTERN);
        StringBuilder sb = new StringBuilder(posix.length() + 16);
        int i = 0, n = posix.length(), depth = 0;
        boolean atomBefore = false; // something a repetition operator may apply to
        boolean lastWasRepeat = false;
        while (i < n) {
            char c = posix.charAt(i);
            switch (c) {
                case '\\' -> {
                    if (i + 1 >= n) throw new IllegalArgumentException("trailing backslash");
                    char e = posix.charAt(i + 1);
                    sb.append(Character.isLetterOrDigit(e) ? quote(e) : "\\" + e);
                    i += 2;
                    atomBefore = true;
                    lastWasRepeat = false;
                }
                case '[' -> {
                    i = bracket(posix, i, sb);
                    atomBefore = true;
                    lastWasRepeat = false;
                }
                case '(' -> {
                    depth++;
                    sb.append(c);
                    i++;
                    atomBefore = false;
                    lastWasRepeat = false;
                }
                case ')' -> {
                    if (--depth < 0) throw new IllegalArgumentException("unbalanced ')' at " + i);
                    sb.append(c);
                    i++;
                    atomBefore = true;
                    lastWasRepeat = false;
                }
                case '|' -> {
                    sb.append(c);
                    i++;
                    atomBefore = false;
                    lastWasRepeat = false;
                }
                case '*', '+', '?' -> {
                    if (!atomBefore) sb.append('\\').append(c);       // nothing to repeat: literal
                    else if (!lastWasRepeat) sb.append(c);            // a** is a*: drop the repeat
                    i++;
                    lastWasRepeat = atomBefore;
                }
                case '{' -> {
                    int close = bound(posix, i);
                    if (close < 0 || !atomBefore) {
                        sb.append("\\{");
                        i++;
                        atomBefore = true;
                        lastWasRepeat = false;
                    } else {
                        if (!lastWasRepeat) sb.append(posix, i, close + 1);
                        i = close + 1;
                        lastWasRepeat = true;
                    }
                }
                case '}', ']' -> {
                    sb.append('\\').append(c);
                    i++;
                    atomBefore = true;
                    lastWasRepeat = false;
                }
                default -> {
                    if (c == '^' || c == '$') {
                        sb.append(c);
                        atomBefore = false;
                    } else {
                        sb.append(c == '.' ? "." : quote(c));
                        atomBefore = true;
                    }
                    i++;
                    lastWasRepeat = false;
                }
            }
        }
        if (depth != 0) throw new IllegalArgumentException("unbalanced '('");
        return sb.toString();
    }

    /** A literal character in Java syntax. */
    private static String quote(char c) {
        if (Character.isLetterOrDigit(c) || c == ' ' || c == '_' || c == ':' || c == '/' || c == '-' || c == '@' || c == '%' || c == '=' || c == ',') {
            return String.valueOf(c);
        }
        return String.format("\\x{%x}", (int) c);
    }

    /** Index of the '}' closing a valid bound {m}, {m,} or {m,n} at {@code i}; -1 if not a bound. */
    private static int bound(String p, int i) {
        int k = i + 1, n = p.length();
        int m = 0, digits = 0;
        while (k < n && Character.isDigit(p.charAt(k)) && digits < 5) { m = m * 10 + (p.charAt(k++) - '0'); digits++; }
        if (digits == 0) return -1;
        if (k < n && p.charAt(k) == ',') {
            k++;
            int mx = 0, d2 = 0;
            while (k < n && Character.isDigit(p.charAt(k)) && d2 < 5) { mx = mx * 10 + (p.charAt(k++) - '0'); d2++; }
            if (d2 > 0 && (mx < m || mx > MAX_BOUND)) return -1;
        }
        if (m > MAX_BOUND) return -1;
        return k < n && p.charAt(k) == '}' ? k : -1;
    }

    /** Copies one bracket expression starting at {@code i}; returns the index after it. */
    private static int bracket(String p, int i, StringBuilder sb) {
        int n = p.length();
        sb.append('[');
        i++;
        if (i < n && p.charAt(i) == '^') { sb.append('^'); i++; }
        if (i < n && p.charAt(i) == ']') { sb.append("\\]"); i++; }
        int members = 0;
        while (i < n && p.charAt(i) != ']') {
            char c = p.charAt(i);
            if (c == '[' && i + 1 < n && p.charAt(i + 1) == ':') {
                int close = p.indexOf(":]", i + 2);
                if (close < 0) throw new IllegalArgumentException("unterminated character class");
                sb.append(javaClass(p.substring(i + 2, close)));
                i = close + 2;
                members++;
                continue;
            }
            if (c == '-' && members > 0 && i + 1 < n && p.charAt(i + 1) != ']') {
                char lo = p.charAt(i - 1), hi = p.charAt(i + 1);
                if (hi < lo) throw new IllegalArgumentException("invalid range " + lo + "-" + hi);
                sb.append('-');
                i++;
                continue;
            }
            sb.append(quote(c).equals(String.valueOf(c)) && c != '-' ? String.valueOf(c) : String.format("\\x{%x}", (int) c));
            i++;
            members++;
        }
        if (i >= n) throw new IllegalArgumentException("unterminated bracket expression");
        if (members == 0 && sb.charAt(sb.length() - 1) == '[') throw new IllegalArgumentException("empty bracket expression");
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

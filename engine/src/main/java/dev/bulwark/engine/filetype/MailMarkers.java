package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;

/**
 * ClamAV's built-in two-part type rules that turn a text or binary layer into mail when its raw scan
 * meets them: MHTML ({@code MIME-Version: } at the start or after a line break, then a
 * {@code Content-Type: } line within 1024 bytes, anywhere in the layer) and the MAIL rules (a header
 * starting in the first 1024 or 2048 bytes, then {@code Content-Type:} or {@code MIME-Version:} within
 * 1024–2048 bytes). In a pattern, {@code ~} makes the next letter match either case.
 */
public final class MailMarkers {
    private record Rule(byte[] first, int firstCase, int startMax, int gap, byte[] second, int secondCase, FileType type) {}

    private static final Rule[] RULES = {
            rule("~M~I~M~E-~Version: ", 0, 1024, "\n~Content-~Type: ", FileType.MHTML),
            rule("\n~M~I~M~E-~Version: ", Integer.MAX_VALUE, 1024, "\n~Content-~Type: ", FileType.MHTML),
            rule("\n~From: ", 1024, 1024, "\n~M~I~M~E-~Version: ", FileType.MAIL),
            rule("\n~From: ", 1024, 2048, "\n~Content-~Type: ", FileType.MAIL),
            rule("\n~M~I~M~E-~Version: ", 1024, 2048, "\n~Content-~Type: ", FileType.MAIL),
            rule("\n~Message-~Id: ", 1024, 1024, "\n~Content-~Type: ", FileType.MAIL),
            rule("\n~Received: ", 2048, 2048, "\n~Content-~Type: ", FileType.MAIL),
            rule("Delivered-To:", 1024, 256, "Received:", FileType.MAIL)};

    /**
     * The bytes that follow the line break of a rule whose first part starts with one and whose start is bounded
     * (the letter in either case when the rule marks it so): the line breaks worth checking for those rules.
     */
    private static final boolean[] AFTER_BREAK = new boolean[256];
    /** The largest start bound of those rules. */
    private static final int BREAK_REACH;

    static {
        int reach = 0;
        for (Rule r : RULES) {
            if (r.first()[0] != '\n' || r.startMax() == Integer.MAX_VALUE) continue;
            int c = r.first()[1] & 0xFF;
            AFTER_BREAK[c] = true;
            if ((r.firstCase() & 2) != 0 && c >= 'A' && c <= 'Z') AFTER_BREAK[c | 0x20] = true;
            reach = Math.max(reach, r.startMax());
        }
        BREAK_REACH = reach;
    }

    private MailMarkers() {}

    /** MHTML or MAIL when a rule matches (MHTML ranks higher, as in ClamAV), else null. */
    public static FileType find(ByteBuffer d) {
        return find(d, true);
    }

    /**
     * Like {@link #find(ByteBuffer)}; with {@code mailRules} false only the MHTML rules are tried (ClamAV
     * acts on the MAIL rules in ASCII text only).
     */
    public static FileType find(ByteBuffer d, boolean mailRules) {
        return find(d, mailRules, null);
    }

    /**
     * Like {@link #find(ByteBuffer, boolean)}; the MHTML rule with offset {@code *} checks only the kernel
     * pass's candidates when {@code c} is not null (they came from a whole pass over {@code d}).
     */
    public static FileType find(ByteBuffer d, boolean mailRules, MarkerCandidates c) {
        FileType best = null;
        int[] lines = null;
        for (Rule r : RULES) {
            if (best == FileType.MHTML || (best == FileType.MAIL && r.type() == FileType.MAIL)) continue;
            if (r.type() == FileType.MAIL && !mailRules) continue;
            if (r.startMax() == Integer.MAX_VALUE) {
                if (anywhere(d, r, c) >= 0) best = r.type();
                continue;
            }
            if (lines == null && r.first()[0] == '\n') lines = lineBreaks(d);
            if (matches(d, r, lines) >= 0) best = r.type();
        }
        return best;
    }

    /** For {@link HeadRules}: where each rule's first match in {@code d} ends, as a hit of its type. */
    static void headHits(ByteBuffer d, java.util.List<EmbeddedTypeFinder.Hit> out) {
        int[] lines = lineBreaks(d);
        for (Rule r : RULES) {
            int end = r.startMax() == Integer.MAX_VALUE ? anywhere(d, r) : matches(d, r, lines);
            if (end >= 0) out.add(new EmbeddedTypeFinder.Hit(r.type(), 0, end));
        }
    }

    /**
     * For the rules whose first part starts with a line break: the line breaks at positions up to their largest
     * start bound that are followed by a byte one of those rules' first parts continues with, ascending, their
     * count in element 0; null when {@code d} has no array (the rules then walk the buffer). One walk over the
     * head instead of one per rule; the rules check each kept position in full, as they checked every line break.
     */
    static int[] lineBreaks(ByteBuffer d) {
        if (!d.hasArray()) return null;
        byte[] a = d.array();
        int o = d.arrayOffset(), n = d.limit();
        int to = o + Math.min(n - 1, BREAK_REACH + 1); // a break needs the byte after it
        int[] at = new int[9];
        int count = 0;
        for (int k = ByteScan.next(a, o, to, (byte) '\n'); k >= 0; k = ByteScan.next(a, k + 1, to, (byte) '\n')) {
            if (!AFTER_BREAK[a[k + 1] & 0xFF]) continue;
            if (++count == at.length) at = java.util.Arrays.copyOf(at, at.length * 2);
            at[count] = k - o;
        }
        at[0] = count;
        return at;
    }

    /** A rule whose first part starts in the first bytes: where its first match ends, or -1. */
    private static int matches(ByteBuffer d, Rule r, int[] lines) {
        int n = d.limit();
        int last = (int) Math.min((long) r.startMax(), n - r.first().length);
        if (lines != null && r.first()[0] == '\n') { // the line breaks worth checking, found once for all rules
            int searched = -1;
            for (int k = 1, count = lines[0]; k <= count; k++) {
                int i = lines[k];
                if (i > last) break;
                if (!at(d, i, r.first(), r.firstCase())) continue;
                int end = second(d, r, i + r.first().length, searched);
                if (end >= 0) return end;
                searched = Math.max(searched, (int) Math.min((long) i + r.first().length + r.gap(), n - r.second().length));
            }
            return -1;
        }
        byte f0 = r.first()[0];
        boolean fixed0 = (r.firstCase() & 1) == 0;
        // a first byte of either case (only letters are marked so) is found by folding
        byte[] a = d.hasArray() ? d.array() : null;
        int o = a != null ? d.arrayOffset() : 0;
        int searched = -1; // second-part positions up to here are known not to match: the scan stays linear
        for (int i = 0; i <= last; i++) {
            if (a != null) { // jump to the next first byte
                int k = fixed0 ? ByteScan.next(a, o + i, o + last + 1, f0) : ByteScan.nextFolded(a, o + i, o + last + 1, (byte) (f0 | 0x20));
                if (k < 0) return -1;
                i = k - o;
            } else if (fixed0 && d.get(i) != f0) {
                continue;
            }
            if (!at(d, i, r.first(), r.firstCase())) continue;
            int end = second(d, r, i + r.first().length, searched);
            if (end >= 0) return end;
            searched = Math.max(searched, (int) Math.min((long) i + r.first().length + r.gap(), n - r.second().length));
        }
        return -1;
    }

    /**
     * The MHTML rule with offset {@code *} at the kernel pass's candidates (its starts, ascending; see
     * {@link MarkerCandidates}), else over the whole layer; where its first match ends, or -1.
     */
    private static int anywhere(ByteBuffer d, Rule r, MarkerCandidates c) {
        if (c == null) return anywhere(d, r);
        int n = d.limit(), searched = -1;
        for (int k = 0, count = c.mhtmlCount(); k < count; k++) {
            int i = c.mhtmlAt(k);
            if (!at(d, i, r.first(), r.firstCase())) continue;
            int end = second(d, r, i + r.first().length, searched);
            if (end >= 0) return end;
            searched = Math.max(searched, (int) Math.min((long) i + r.first().length + r.gap(), n - r.second().length));
        }
        return c.mhtmlOverflow() ? anywhere(d, r) : -1; // kept candidates hold no match, but more were found
    }

    /**
     * The MHTML rule with offset {@code *}: over the whole layer, anchored on the rarer ": " after
     * "Version" rather than on every line break.
     */
    private static int anywhere(ByteBuffer d, Rule r) {
        int n = d.limit(), colon = r.first().length - 2; // index of ':' in "\nMIME-Version: "
        int searched = -1;
        ByteScan.Occurrences colons = new ByteScan.Occurrences(d, colon, n - 1, (byte) ':');
        for (int c = colons.next(); c >= 0; c = colons.next()) {
            int i = c - colon;
            if (d.get(c + 1) != ' ' || d.get(c - 1) != 'n' || !at(d, i, r.first(), r.firstCase())) continue;
            int end = second(d, r, i + r.first().length, searched);
            if (end >= 0) return end;
            searched = Math.max(searched, (int) Math.min((long) i + r.first().length + r.gap(), n - r.second().length));
        }
        return -1;
    }

    /** The end of the second part within the rule's gap after {@code from} (skipping positions already searched), or -1. */
    private static int second(ByteBuffer d, Rule r, int from, int searched) {
        int to = (int) Math.min((long) from + r.gap(), d.limit() - r.second().length);
        byte s0 = r.second()[0];
        boolean fixed0 = (r.secondCase() & 1) == 0;
        byte[] a = d.hasArray() && fixed0 ? d.array() : null;
        int o = a != null ? d.arrayOffset() : 0;
        for (int j = Math.max(from, searched + 1); j <= to; j++) {
            if (a != null) {
                int k = ByteScan.next(a, o + j, o + to + 1, s0);
                if (k < 0) return -1;
                j = k - o;
            } else if (fixed0 && d.get(j) != s0) {
                continue;
            }
            if (at(d, j, r.second(), r.secondCase())) return j + r.second().length;
        }
        return -1;
    }

    private static boolean at(ByteBuffer d, int i, byte[] p, int anyCase) {
        if (i < 0 || i + p.length > d.limit()) return false;
        for (int k = 0; k < p.length; k++) {
            int c = d.get(i + k);
            if (k < 32 && (anyCase & 1 << k) != 0 && c >= 'a' && c <= 'z') c -= 32;
            if (c != p[k]) return false;
        }
        return true;
    }

    private static Rule rule(String first, int startMax, int gap, String second, FileType type) {
        long[] a = parse(first), b = parse(second);
        return new Rule(bytes(first), (int) a[0], startMax, gap, bytes(second), (int) b[0], type);
    }

    /** Bit k set when byte k of the pattern (without the '~' marks) matches either case. */
    private static long[] parse(String p) {
        long mask = 0;
        int k = 0;
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '~') {
                mask |= 1L << k;
                continue;
            }
            k++;
        }
        return new long[] {mask};
    }

    private static byte[] bytes(String p) {
        return p.replace("~", "").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}

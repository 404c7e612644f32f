package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * ClamAV's embedded-type recognition: the built-in file-type rules with offset {@code *} that mark where
 * another object starts inside a layer (self-extractor payloads, installer data, carved executables).
 * ClamAV finds them with its Aho-Corasick scan of the whole layer, and so, usually, does Bulwark: the matcher
 * kernel's raw pass reports the positions where a rule's leading bytes occur ({@link EmbeddedCandidates}) and
 * only those are checked here. Without them (no body patterns, a pass cut short, an adversarial number of
 * candidates) one pass over the bytes looks up each position's first byte in a 256-entry table and checks the
 * few rules that start with it, or, in a layer of mostly plain text, skips the 8-byte words without a byte
 * some rule needs ({@link AnchorBytes}). Both ways find the same hits in the same order.
 *
 * <p>Rules (as in ClamAV 1.4's built-in table): {@code MZ} followed by {@code PE\0\0} 60–300 bytes
 * later (only when the layer may hold embedded executables), {@code PK\3\4} (ZIP-SFX),
 * {@code Rar!\x1a\x07\0} (RAR-SFX), {@code MSCF\0\0\0\0} (CAB-SFX), an ARJ main header (ARJ-SFX),
 * {@code 7z\xbc\xaf\x27\x1c} (7z-SFX), the AutoIt EA05/EA06 marker, the NSIS first-header magic,
 * the InstallShield-MSI stream header and an ISO 9660 volume descriptor pair.
 *
 * <p>Hits are reported in the order ClamAV reports them (by the end of the match) and capped as
 * ClamAV caps them: {@value #MAX_OBJECTS} objects per layer, except that ZIP-SFX hits keep being
 * recorded while fewer than MaxFiles objects are known. The embedded PDF rule only takes part in
 * {@link HeadRules}: ClamAV 1.4 never records PDF objects (the type ranks below the SFX types, which
 * clamscan confirms), but a PDF marker in the first 1024 bytes of a text or binary layer re-types it.
 */
public final class EmbeddedTypeFinder {
    /** ClamAV MAX_EMBEDDED_OBJ: objects recorded per layer (ZIP-SFX hits excepted). */
    public static final int MAX_OBJECTS = 10;
    /** "MZ" starts remembered while waiting for a "PE\0\0" (ClamAV tracks 8 partial matches per part). */
    static final int MZ_TRACK = 8;
    /** Gap between "MZ" and "PE\0\0" in ClamAV's rule {@code 4d5a{60-300}50450000}. */
    static final int PE_GAP_MIN = 60, PE_GAP_MAX = 300;
    /** ISHIELD-MSI rule: "InstallShield\0", 292 bytes, a fixed 8-byte field, 8 any, "\0\0\0\0\1". */
    static final int ISMSI_FIXED = 14 + 292, ISMSI_LEN = ISMSI_FIXED + 8 + 8 + 5;
    /** ISO9660 rule: "\1CD001", 2043–2443 bytes, "CD001". */
    static final int ISO_GAP_MIN = 2043, ISO_GAP_MAX = 2443;

    private static final byte[] IS_MAGIC = "InstallShield\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    private static final byte[] NSIS_MAGIC = hex("efbeadde4e756c6c736f6674496e7374");
    private static final byte[] AUTOIT_MAGIC = hex("a3484bbe986c4aa9994c530a86d6487d41553321454130");
    private static final byte[] RAR_MAGIC = hex("526172211a0700");
    private static final byte[] CAB_MAGIC = hex("4d53434600000000");
    private static final byte[] SEVENZIP_MAGIC = hex("377abcaf271c");
    private static final byte[] CD001 = {'C', 'D', '0', '0', '1'};
    /** First two bytes of every rule, as bits indexed by {@code b0 << 8 | b1}; PE adds "MZ" and "PE". */
    private static final long[] PAIRS = new long[1024], PAIRS_PE = new long[1024];
    /** Bytes that start some rule. */
    private static final boolean[] FIRST = new boolean[256];
    /** Positions searched per copied chunk when the layer is not on the heap. */
    private static final int CHUNK = 64 << 10;
    /**
     * Bytes a rule reads from its start on, at most (the ISO 9660 rule: 6 + {@value #ISO_GAP_MAX} + 5), rounded
     * up: a copied chunk holds this many more bytes than it has positions.
     */
    private static final int REACH = 4096;

    static {
        int[] pairs = {'M' << 8 | 'S', 'P' << 8 | 'K', 'R' << 8 | 'a', 0x60ea, 0xa348, 0xefbe, 'I' << 8 | 'n', 0x0143,
                '%' << 8 | 'P', '%' << 8 | 'p', '7' << 8 | 'z'};
        for (int w : pairs) {
            PAIRS[w >>> 6] |= 1L << w;
            PAIRS_PE[w >>> 6] |= 1L << w;
        }
        for (int w : new int[] {'M' << 8 | 'Z', 'P' << 8 | 'E'}) PAIRS_PE[w >>> 6] |= 1L << w;
        for (int w : pairs) FIRST[w >>> 8] = true;
        FIRST['P'] = true;
    }

    /** One recorded object: its type as the rule names it, where it starts and where the match ended. */
    public record Hit(FileType type, int offset, int end) {}

    private EmbeddedTypeFinder() {}

    /**
     * Finds the embedded objects of a layer.
     *
     * @param d        the layer's bytes
     * @param withPe   whether "MZ…PE" hits are recorded (ClamAV: layers typed MSEXE or MSOLE2)
     * @param maxFiles the MaxFiles limit, which bounds the ZIP-SFX hits
     * @return hits in ClamAV's order, offset-0 hits included (they count against the cap)
     */
    public static List<Hit> find(ByteBuffer d, boolean withPe, int maxFiles) {
        return find(d, withPe, maxFiles, null);
    }

    /**
     * Like {@link #find(ByteBuffer, boolean, int)}, checking only the positions the kernel's pass over {@code d}
     * reported ({@code candidates}: null, or not usable for {@code d}, searches every position).
     */
    public static List<Hit> find(ByteBuffer d, boolean withPe, int maxFiles, EmbeddedCandidates candidates) {
        int hardCap = (int) Math.min((long) maxFiles + MAX_OBJECTS + 1, 1 << 20);
        List<Hit> raw = candidates != null && candidates.usable(d) ? atCandidates(d, withPe, hardCap, candidates) : null;
        if (raw == null) raw = all(d, withPe, false, hardCap);
        List<Hit> out = new ArrayList<>();
        for (Hit h : raw) {
            boolean zip = h.type() == FileType.ZIPSFX;
            if (zip ? out.size() > maxFiles : out.size() >= MAX_OBJECTS) continue;
            out.add(h);
        }
        return out;
    }

    /** Every hit of these rules in a layer's first bytes, PE and PDF markers included (for {@link HeadRules}). */
    static List<Hit> headHits(ByteBuffer head) {
        return all(head, true, true, 1 << 12);
    }

    /**
     * The hits at the candidates' positions, in the order and with the cap of {@link #all}; null when the
     * candidates overflowed before the cap was reached (they do not cover the layer).
     */
    private static List<Hit> atCandidates(ByteBuffer d, boolean withPe, int hardCap, EmbeddedCandidates c) {
        int n = d.limit(), count = c.count();
        int[] at = c.positions();
        long[] pairs = withPe ? PAIRS_PE : PAIRS;
        Scan s;
        if (d.hasArray()) {
            s = new Scan(d.array(), d.arrayOffset(), n, withPe, false, hardCap);
            s.runAt(s.a, s.base, at, 0, count, pairs);
        } else { // copy a chunk from a candidate on, and the bytes its rules may read past it
            byte[] chunk = new byte[(int) Math.min(n, (long) CHUNK + REACH)];
            s = new Scan(chunk, 0, n, withPe, false, hardCap);
            for (int k = 0; k < count && !s.full(); ) {
                int from = at[k], to = k;
                while (to < count && at[to] - from < CHUNK) to++;
                d.get(from, chunk, 0, Math.min(chunk.length, n - from));
                s.base = -from;
                s.runAt(chunk, -from, at, k, to, pairs);
                k = to;
            }
        }
        if (c.overflow() && !s.full()) return null;
        s.raw.sort((a, b) -> Integer.compare(a.end(), b.end())); // stable, as in all()
        return s.raw;
    }

    /** Every hit (PDF markers when asked), in ClamAV's reporting order, at most {@code cap} of them. */
    private static List<Hit> all(ByteBuffer d, boolean withPe, boolean withPdf, int hardCap) {
        int n = d.limit();
        if (d.hasArray() && !withPe && !withPdf && AnchorBytes.mostlyText(d.array(), d.arrayOffset(), n)) {
            Scan s = new Scan(d.array(), d.arrayOffset(), n, false, false, hardCap);
            s.runAnchored(d.array(), d.arrayOffset(), n);
            if (!s.full()) { // else the cap depends on the order hits are found in: the search below decides
                // hits are found by their anchor, not their start: ordered as the search below orders them
                s.raw.sort((a, b) -> a.end() != b.end() ? Integer.compare(a.end(), b.end()) : Integer.compare(a.offset(), b.offset()));
                return s.raw;
            }
        }
        long[] pairs = withPe ? PAIRS_PE : PAIRS;
        Scan s;
        if (d.hasArray()) {
            s = new Scan(d.array(), d.arrayOffset(), n, withPe, withPdf, hardCap);
            s.run(s.a, s.base, 0, n - 1, pairs);
        } else { // mapped files and read-only views: copy a chunk, and the bytes its rules may read past it, at a time
            byte[] chunk = new byte[(int) Math.min(n, (long) CHUNK + REACH)];
            s = new Scan(chunk, 0, n, withPe, withPdf, hardCap);
            for (int from = 0; from < n - 1 && !s.full(); from += CHUNK) {
                d.get(from, chunk, 0, Math.min(chunk.length, n - from));
                s.base = -from;
                s.run(chunk, -from, from, Math.min(from + CHUNK, n - 1), pairs);
            }
        }
        // stable: equal ends keep discovery order. A lambda of this class rather than Comparator.comparingInt:
        // the JDK's own lambda inside comparingInt is not kept by the AOT cache and would be generated at run time
        s.raw.sort((a, b) -> Integer.compare(a.end(), b.end()));
        return s.raw;
    }

    /** One search: the hits so far and the recent "MZ" starts waiting for their "PE". */
    private static final class Scan {
        /** The layer's byte at position {@code i} is {@code a[base + i]} (a chunk of it for a copied layer). */
        final byte[] a;
        int base;
        final int n, cap;
        final boolean withPe, withPdf;
        final List<Hit> raw = new ArrayList<>();
        final int[] mz = new int[MZ_TRACK];
        int mzCount, mzLow; // ring of recent MZ starts; entries before index mzLow are consumed

        Scan(byte[] a, int base, int n, boolean withPe, boolean withPdf, int cap) {
            this.a = a;
            this.base = base;
            this.n = n;
            this.withPe = withPe;
            this.withPdf = withPdf;
            this.cap = cap;
        }

        private byte b(int i) { return a[base + i]; }

        boolean full() { return raw.size() >= cap; }

        /**
         * Positions {@code [from, to)} of the layer ({@code to < n}: each reads the byte after it), whose bytes are
         * {@code a[base + i]} (the scan's own array and base, passed in: the loop runs measurably faster so).
         */
        void run(byte[] a, int base, int from, int to, long[] pairs) {
            int end = base + to;
            for (int j = base + from; j < end; j++) {
                if (!FIRST[a[j] & 0xFF]) continue; // most bytes end here: a predictable branch
                int w = (a[j] & 0xFF) << 8 | (a[j + 1] & 0xFF);
                if ((pairs[w >>> 6] >>> w & 1) == 0) continue;
                int i = j - base;
                candidate(i, w >>> 8, w & 0xFF);
                if (full()) return;
            }
        }

        /**
         * Positions {@code at[k0..k1)} (ascending) as {@link #run} would see them, whose bytes are
         * {@code a[base + i]}: the positions {@link #run} checks and these share every hit.
         */
        void runAt(byte[] a, int base, int[] at, int k0, int k1, long[] pairs) {
            for (int k = k0; k < k1; k++) {
                int i = at[k];
                if (i < 0 || i >= n - 1) continue; // run reads the byte after each position
                int j = base + i;
                if (!FIRST[a[j] & 0xFF]) continue;
                int w = (a[j] & 0xFF) << 8 | (a[j + 1] & 0xFF);
                if ((pairs[w >>> 6] >>> w & 1) == 0) continue;
                candidate(i, w >>> 8, w & 0xFF);
                if (full()) return;
            }
        }

        /**
         * The layer's positions in {@code [0, n)} found by their anchor bytes ({@link AnchorBytes}): for mostly
         * plain text, whose 8-byte words almost never hold one, and only for the rules without "MZ…PE".
         */
        void runAnchored(byte[] a, int base, int n) {
            int j = 0;
            for (; j + 8 <= n; j += 8) {
                if (AnchorBytes.quiet(a, base + j)) continue;
                for (int k = j; k < j + 8; k++) {
                    int rules = AnchorBytes.RULES[a[base + k] & 0xFF];
                    if (rules != 0 && anchored(rules, k)) return;
                }
            }
            for (; j < n; j++) {
                int rules = AnchorBytes.RULES[a[base + j] & 0xFF];
                if (rules != 0 && anchored(rules, j)) return;
            }
        }

        /** Checks the rules anchored at position {@code p}; true when the cap is reached. */
        private boolean anchored(int rules, int p) {
            for (; rules != 0; rules >>>= 8) {
                int r = rules & 0xFF, i = p - AnchorBytes.OFFSET[r];
                if (i >= 0) rule(r, i);
            }
            return full();
        }

        private void candidate(int i, int b0, int b1) {
            switch (b0) {
                case 'M' -> {
                    if (b1 == 'Z') mz[mzCount++ % MZ_TRACK] = i;
                    else rule(AnchorBytes.CAB, i);
                }
                case 'P' -> {
                    if (b1 == 'K') rule(AnchorBytes.ZIP, i);
                    else if (b1 == 'E' && i + 3 < n && b(i + 2) == 0 && b(i + 3) == 0) {
                        // every remembered MZ within the gap pairs with this PE; the pattern state then resets
                        boolean paired = false;
                        for (int k = Math.max(mzLow, mzCount - MZ_TRACK); k < mzCount; k++) {
                            int m = mz[k % MZ_TRACK];
                            int gap = i - (m + 2);
                            if (gap >= PE_GAP_MIN && gap <= PE_GAP_MAX) {
                                raw.add(new Hit(FileType.MSEXE, m, i + 4));
                                paired = true;
                            }
                        }
                        if (paired) mzLow = mzCount;
                    }
                }
                case 'R' -> rule(AnchorBytes.RAR, i);
                case 0x60 -> rule(AnchorBytes.ARJ, i);
                case 0xa3 -> rule(AnchorBytes.AUTOIT, i);
                case 0xef -> rule(AnchorBytes.NSIS, i);
                case 'I' -> rule(AnchorBytes.MSI, i);
                case 0x01 -> rule(AnchorBytes.ISO, i);
                case '%' -> {
                    if (withPdf && i + 6 < n && (b1 == 'P' && b(i + 2) == 'D' && b(i + 3) == 'F'
                            || b1 == 'p' && b(i + 2) == 'd' && b(i + 3) == 'f') && b(i + 4) == '-' && b(i + 6) == '.') {
                        raw.add(new Hit(FileType.PDF, i, i + 7));
                    }
                }
                case '7' -> rule(AnchorBytes.SEVENZIP, i);
                default -> { }
            }
        }

        /** Records the hit of rule {@code r} (an {@link AnchorBytes} rule) starting at {@code i}, if it matches there. */
        private void rule(int r, int i) {
            switch (r) {
                case AnchorBytes.ZIP -> {
                    if (i + 3 < n && b(i) == 'P' && b(i + 1) == 'K' && b(i + 2) == 3 && b(i + 3) == 4) {
                        raw.add(new Hit(FileType.ZIPSFX, i, i + 4));
                    }
                }
                case AnchorBytes.CAB -> {
                    if (at(i, CAB_MAGIC)) raw.add(new Hit(FileType.CABSFX, i, i + CAB_MAGIC.length));
                }
                case AnchorBytes.RAR -> {
                    if (at(i, RAR_MAGIC)) raw.add(new Hit(FileType.RARSFX, i, i + RAR_MAGIC.length));
                }
                case AnchorBytes.ARJ -> {
                    if (i + 10 < n && b(i) == 0x60 && (b(i + 1) & 0xFF) == 0xea && (b(i + 9) & 0xFF) <= 2
                            && b(i + 10) == 2) {
                        raw.add(new Hit(FileType.ARJSFX, i, i + 11));
                    }
                }
                case AnchorBytes.AUTOIT -> {
                    int v = i + AUTOIT_MAGIC.length;
                    if (at(i, AUTOIT_MAGIC) && v < n && (b(v) == '5' || b(v) == '6')) raw.add(new Hit(FileType.AUTOIT, i, v + 1));
                }
                case AnchorBytes.NSIS -> {
                    if (at(i, NSIS_MAGIC)) raw.add(new Hit(FileType.NULSFT, i, i + NSIS_MAGIC.length));
                }
                case AnchorBytes.MSI -> {
                    if (isMsi(i)) raw.add(new Hit(FileType.ISHIELD_MSI, i, i + ISMSI_LEN));
                }
                case AnchorBytes.ISO -> {
                    if (b(i) == 0x01 && at(i + 1, CD001)) {
                        int second = secondCd001(i + 6);
                        if (second >= 0) raw.add(new Hit(FileType.ISO9660, i, second + CD001.length));
                    }
                }
                case AnchorBytes.SEVENZIP -> {
                    if (at(i, SEVENZIP_MAGIC)) raw.add(new Hit(FileType.SEVENZIPSFX, i, i + SEVENZIP_MAGIC.length));
                }
                default -> throw new IllegalArgumentException("rule " + r);
            }
        }

        private boolean isMsi(int i) {
            if (i + ISMSI_LEN > n || !at(i, IS_MAGIC)) return false;
            int f = i + ISMSI_FIXED;
            if (b(f) != 6) return false;
            for (int k = 1; k < 8; k++) if (b(f + k) != 0) return false;
            int t = f + 16;
            for (int k = 0; k < 4; k++) if (b(t + k) != 0) return false;
            return b(t + 4) == 1;
        }

        /** Start of "CD001" 2043–2443 bytes after {@code from}, or -1. */
        private int secondCd001(int from) {
            int last = Math.min(from + ISO_GAP_MAX, n - CD001.length);
            for (int j = from + ISO_GAP_MIN; j <= last; j++) {
                if (b(j) == 'C' && at(j, CD001)) return j;
            }
            return -1;
        }

        private boolean at(int off, byte[] magic) {
            if (off < 0 || off + magic.length > n) return false;
            for (int k = 0; k < magic.length; k++) if (b(off + k) != magic[k]) return false;
            return true;
        }
    }

    private static byte[] hex(String s) {
        return Hex.parse(s);
    }
}

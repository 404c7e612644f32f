package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The whole-layer marker searches' candidates of one layer, found by the matcher kernel's raw pass (as
 * {@link EmbeddedCandidates}, whose sink passes these atoms on): the MHTML rule with offset {@code *}
 * ({@code \nMIME-Version: }, letters of MIME and the V in either case; {@link MailMarkers}), the HTML tag rules,
 * the {@code <a } anchor and the {@code href} spellings ({@link HtmlMarkers}), and the UDF marker in the first
 * 32 KiB (EmbeddedObjects). Each atom is fixed bytes every match holds at a fixed distance from its start, so
 * the positions kept here are a superset of the matches; the searches check only them with their own
 * comparisons. When more were found than are kept, a search decides only if a kept one matched; otherwise the
 * old search over the bytes runs. Snapshots store the atoms: a change to them needs a new snapshot format
 * ({@code Snapshot.FORMAT}). The mail rules that start near the layer's start (bounded reads) keep their search.
 */
public final class MarkerCandidates {
    /** MHTML first-part and HTML tag positions kept per layer: bounds memory; beyond, the old searches run. */
    static final int MAX = 1 << 12;

    private static final byte[] MHTML = "\nMIME-Version: ".getBytes(StandardCharsets.US_ASCII);
    /** Where the MHTML atom ("ersi", exact in every spelling) starts in the rule. */
    private static final int MHTML_ATOM = 7;
    /** Bytes of the MHTML rule that match either case (the letters of MIME, and the V). */
    private static final boolean[] MHTML_FOLD = new boolean[MHTML.length];

    static {
        for (int k : new int[] {1, 2, 3, 4, 6}) MHTML_FOLD[k] = true;
    }

    private static final String[] TAGS = {"<HEAD>", "<HTML>", "<Head>", "<Html>", "<IFRAME", "<IMG", "<Img", "<OBJECT",
        "<Object", "<SCRIPT", "<Script", "<TABLE", "<head>", "<html>", "<iframe", "<img", "<object", "<script", "<table"};
    private static final String[] HREFS = {"href", "hreF", "hRef", "hREF", "Href", "HreF", "HRef", "HREF"};
    private static final byte[] UDF = {0, 'B', 'E', 'A', '0', '1'};
    /** Start of the UDF marker the rule accepts at most (ClamAV's {@code 1:0,32768:}). */
    public static final int UDF_LAST = 32768;

    /** Entry layout: 0 MHTML, 1..19 tags, 20..21 "<a "/"<A ", 22..29 href spellings, 30 UDF. */
    private static final int TAG0 = 1, ANCHOR0 = TAG0 + TAGS.length, HREF0 = ANCHOR0 + 2, UDF_ENTRY = HREF0 + HREFS.length;
    /** Built-in atoms these candidates take (after the embedded-type rules'). */
    static final int ATOMS = UDF_ENTRY + 1;

    private int[] mhtmlAt = new int[16];
    private int mhtmlCount;
    private boolean mhtmlOverflow;
    private final int[] tagAt = new int[8];
    private int tagCount;
    private boolean tagOverflow;
    private int anchor = -1, lastHref = -1;
    /**
     * UDF candidates kept: the hit cap, plus room for the few false ones at the layer's end (the index does
     * not check an atom's window where it runs past the end; a candidate is checked by its search).
     */
    private final int[] udfAt = new int[EmbeddedTypeFinder.MAX_OBJECTS + 8];
    private int udfCount;
    private boolean udfOverflow;

    MarkerCandidates() {}

    /** The atoms (2 to 4 bytes) and windows (4 longs each, as {@code AtomIndex.build} takes them), in entry order. */
    static void atoms(byte[][] atoms, long[] windows, int first) {
        // MHTML: the atom at 7; pre window "\nMIME-V" (letters folded), post window "ersion: "
        long[] pre = window(MHTML, 0, MHTML_ATOM, MHTML_FOLD, true), post = window(MHTML, MHTML_ATOM, 8, MHTML_FOLD, false);
        set(atoms, windows, first, java.util.Arrays.copyOfRange(MHTML, MHTML_ATOM, MHTML_ATOM + 4), pre, post);
        for (int t = 0; t < TAGS.length; t++) {
            byte[] b = TAGS[t].getBytes(StandardCharsets.US_ASCII);
            set(atoms, windows, first + TAG0 + t, java.util.Arrays.copyOf(b, 4), new long[2], window(b, 0, b.length, null, false));
        }
        for (int k = 0; k < 2; k++) {
            byte[] b = {'<', (byte) (k == 0 ? 'a' : 'A'), ' '};
            set(atoms, windows, first + ANCHOR0 + k, b, new long[2], window(b, 0, 3, null, false));
        }
        for (int k = 0; k < HREFS.length; k++) {
            byte[] b = HREFS[k].getBytes(StandardCharsets.US_ASCII);
            set(atoms, windows, first + HREF0 + k, b, new long[2], window(b, 0, 4, null, false));
        }
        set(atoms, windows, first + UDF_ENTRY, java.util.Arrays.copyOf(UDF, 4), new long[2], window(UDF, 0, UDF.length, null, false));
    }

    private static void set(byte[][] atoms, long[] windows, int e, byte[] atom, long[] pre, long[] post) {
        atoms[e] = atom;
        windows[4 * e] = pre[0];
        windows[4 * e + 1] = pre[1];
        windows[4 * e + 2] = post[0];
        windows[4 * e + 3] = post[1];
    }

    /**
     * Mask and value of {@code b[from, from + len)}: little-endian from the first byte (post) or ending at
     * the highest byte (pre); a byte {@code k} marked in {@code fold[k]} matches either case (letters only).
     */
    private static long[] window(byte[] b, int from, int len, boolean[] fold, boolean pre) {
        long m = 0, v = 0;
        for (int k = 0; k < len; k++) {
            int shift = pre ? 8 * (8 - len + k) : 8 * k;
            boolean f = fold != null && fold[from + k];
            long bm = f ? 0xDF : 0xFF;
            m |= bm << shift;
            v |= ((b[from + k] & 0xFF) & bm) << shift;
        }
        return new long[] {m, v};
    }

    /** One built-in marker atom ({@code entry} from 0) at {@code pos}, in position order. */
    void hit(int entry, int pos) {
        if (entry == 0) {
            int start = pos - MHTML_ATOM;
            if (start < 0) return;
            if (mhtmlCount == mhtmlAt.length) {
                if (mhtmlCount == MAX) {
                    mhtmlOverflow = true;
                    return;
                }
                mhtmlAt = java.util.Arrays.copyOf(mhtmlAt, Math.min(MAX, mhtmlCount * 2));
            }
            mhtmlAt[mhtmlCount++] = start;
        } else if (entry < ANCHOR0) {
            if (tagCount == tagAt.length) tagOverflow = true;
            else tagAt[tagCount++] = pos;
        } else if (entry < HREF0) {
            if (anchor < 0) anchor = pos;
        } else if (entry < UDF_ENTRY) {
            lastHref = pos;
        } else if (pos <= UDF_LAST) {
            if (udfCount == udfAt.length) udfOverflow = true;
            else udfAt[udfCount++] = pos;
        }
    }

    // ---- the searches over the candidates (package-private: the marker classes use them) -----------

    int mhtmlCount() { return mhtmlCount; }

    int mhtmlAt(int k) { return mhtmlAt[k]; }

    boolean mhtmlOverflow() { return mhtmlOverflow; }

    int tagCount() { return tagCount; }

    int tagAt(int k) { return tagAt[k]; }

    boolean tagOverflow() { return tagOverflow; }

    /** Start of the first "<a " or "<A ", or -1. */
    int anchor() { return anchor; }

    /** Start of the last href spelling, or -1. */
    int lastHref() { return lastHref; }

    /** Number of UDF marker candidates starting at most at {@link #UDF_LAST}; -1 when more were found than kept. */
    public int udfCount() { return udfOverflow ? -1 : udfCount; }

    /** The {@code k}th UDF marker candidate, ascending. */
    public int udfAt(int k) { return udfAt[k]; }
}

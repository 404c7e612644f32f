package dev.bulwark.engine.normalize;

import dev.bulwark.engine.filetype.ByteScan;
import java.nio.ByteBuffer;

/**
 * ClamAV's HTML normalisation (its behaviour, reimplemented): the lower-cased document without comments
 * and with blanks collapsed ("nocomment.html", blanks inside script and style elements dropped), its visible
 * text without tags ("notags.html", with the targets of a href and img src), and the normalised JavaScript
 * of its script elements ("javascript", see {@link JsNormalizer}). Raw HTML is not scanned by the signature
 * engine, only these views.
 *
 * <p>One pass over the input, a state machine over flat arrays; the views grow by doubling and are at most
 * a small constant factor longer than the input (a numeric reference above 0xFF becomes an 8-byte
 * {@code &#xhhhh;}). A data: URI leaves only {@code "data"} in the views (its content goes to the MIME decoder,
 * DataUris). Not modelled: ClamAV's output-buffer flush boundary for the one-byte rewind of a comment's '&lt;'.
 */
public final class HtmlNormalizer {
    private HtmlNormalizer() {}

    private static final byte[] MARKER = {'#', '@', '~', '^'};

    /**
     * Whether {@code a[from, from + n)} holds the script-encoding marker #@~^, NULs left out as ClamAV reads
     * them: a '^' whose previous three bytes other than NUL are "#@~". Searched from its last byte, the rarest
     * of the four in documents ('#' is in every colour and anchor; the marker has no prefix that is also its
     * suffix, so a match is exactly such a '^').
     */
    static boolean hasMarker(byte[] a, int from, int n) {
        int end = from + n;
        for (int k = ByteScan.next(a, from, end, (byte) '^'); k >= 0; k = ByteScan.next(a, k + 1, end, (byte) '^')) {
            int j = k - 1, matched = 1;
            while (j >= from && matched < MARKER.length) {
                byte b = a[j--];
                if (b == 0) continue;
                if (b != MARKER[MARKER.length - 1 - matched]) break;
                matched++;
            }
            if (matched == MARKER.length) return true;
        }
        return false;
    }

    /** {@code a[from, from + n)} without NULs (ClamAV's normaliser never sees them), for the script decoder. */
    private static byte[] withoutNul(byte[] a, int from, int n) {
        byte[] out = new byte[n];
        int o = 0;
        for (int i = 0; i < n; i++) {
            byte b = a[from + i];
            if (b != 0) out[o++] = b;
        }
        return java.util.Arrays.copyOf(out, o);
    }

    /**
     * The three normalised views; any may be empty. Each is the start of an array the normaliser wrote (no copy
     * for the scanner: {@link #view}); the accessors return exact copies.
     */
    public static final class Result {
        /** Which view {@link #view} returns. */
        public static final int NO_COMMENT = 0, NO_TAGS = 1, SCRIPTS = 2;
        private final byte[][] arrays;
        private final int[] lengths;

        /** Views that are whole arrays. */
        Result(byte[] noComment, byte[] noTags, byte[] scripts) {
            this(noComment, noComment.length, noTags, noTags.length, scripts, scripts.length);
        }

        Result(byte[] noComment, int noCommentLength, byte[] noTags, int noTagsLength, byte[] scripts, int scriptsLength) {
            this.arrays = new byte[][] {noComment, noTags, scripts};
            this.lengths = new int[] {noCommentLength, noTagsLength, scriptsLength};
        }

        /** nocomment.html: the lower-cased document without comments. */
        public byte[] noComment() { return java.util.Arrays.copyOf(arrays[NO_COMMENT], lengths[NO_COMMENT]); }
        /** notags.html: the visible text. */
        public byte[] noTags() { return java.util.Arrays.copyOf(arrays[NO_TAGS], lengths[NO_TAGS]); }
        /** javascript: the normalised script elements. */
        public byte[] scripts() { return java.util.Arrays.copyOf(arrays[SCRIPTS], lengths[SCRIPTS]); }

        /** The length of view {@code which} ({@link #NO_COMMENT}, {@link #NO_TAGS}, {@link #SCRIPTS}). */
        public int length(int which) { return lengths[which]; }

        /** View {@code which} as a buffer over the normaliser's array (no copy; the matcher reads the array; never written). */
        public ByteBuffer view(int which) {
            return ByteBuffer.wrap(arrays[which], 0, lengths[which]).slice();
        }
    }

    /**
     * Arrays one thread reuses from one normalisation to the next ({@link #normalize(ByteBuffer, long, Scratch)}):
     * the chunk and the nocomment and notags views, which are otherwise allocated and zeroed per document (about
     * one and a half times its size).
     */
    public static final class Scratch {
        /** Views larger than this are not kept for the next document. */
        private static final int KEEP_LIMIT = 1 << 20;
        byte[] chunk, noComment, noTags;

        public Scratch() {}

        void keep(Result r) {
            noComment = r.arrays[Result.NO_COMMENT].length <= KEEP_LIMIT ? r.arrays[Result.NO_COMMENT] : null;
            noTags = r.arrays[Result.NO_TAGS].length <= KEEP_LIMIT ? r.arrays[Result.NO_TAGS] : null;
        }
    }

    public static Result normalize(ByteBuffer in, long max) {
        return normalize(in, max, null);
    }

    /**
     * As {@link #normalize(ByteBuffer, long)}, writing into the arrays of {@code reuse} (may be null): the result is
     * valid only until the next call with the same scratch.
     */
    public static Result normalize(ByteBuffer in, long max, Scratch reuse) {
        int n = (int) Math.min(in.limit(), max);
        byte[] src;
        int base;
        if (in.hasArray()) {
            src = in.array();
            base = in.arrayOffset();
        } else {
            src = new byte[n];
            in.get(0, src, 0, n);
            base = 0;
        }
        if (hasMarker(src, base, n)) { // encoded scripts are normalised decoded
            byte[] all = withoutNul(src, base, n);
            byte[] decoded = ScrencDecoder.decodeInHtml(all, all.length);
            if (decoded != null) {
                src = decoded;
                base = 0;
                n = decoded.length;
            }
        }
        Result r = new HtmlMachine(src, base, n, reuse).run();
        if (reuse != null) reuse.keep(r);
        return r;
    }
}

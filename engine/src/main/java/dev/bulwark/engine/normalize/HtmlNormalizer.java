package dev.bulwark.engine.normalize;

import dev.bulwark.engine.filetype.ByteScan;
import java.nio.ByteBuffer;

/**
 * A simplified form of ClamAV's HTML normalisation: produces the lower-cased document without
 * comments and with whitespace collapsed ("nocomment"), its visible text without tags ("notags"), and
 * the contents of script elements. Raw HTML is not scanned by the signature engine, only these.
 *
 * <p>The rules, per input byte (after NUL bytes are dropped and encoded scripts decoded): outside a tag,
 * {@code <!--} skips to the next {@code -->}; letters are lower-cased; every byte goes to "nocomment" with
 * runs of whitespace collapsed to one space; {@code <} opens a tag (restarting its name even inside a tag)
 * and {@code >} closes it, a closed {@code script} tag starting a script and {@code /script} ending it;
 * outside tags, script bytes go to "scripts" as they are (lower-cased) and other bytes to "notags" with
 * whitespace collapsed. The loop is split by state so the byte-at-a-time work is table lookups.
 */
public final class HtmlNormalizer {
    /** Tag-name bytes kept: enough to tell "script" and "/script" from longer names. */
    private static final int TAG_NAME = 16;
    private static final byte[] SCRIPT = {'s', 'c', 'r', 'i', 'p', 't'}, END_SCRIPT = {'/', 's', 'c', 'r', 'i', 'p', 't'};
    /** Byte classes: plain, whitespace, '<', '>'. */
    private static final byte PLAIN = 0, WS = 1, LT = 2, GT = 3;
    private static final byte[] CLASS = new byte[256];
    /** Per byte: the byte written for it (ASCII letters lower-cased). */
    private static final byte[] LOWER = new byte[256];

    static {
        for (int b = 0; b < 256; b++) {
            LOWER[b] = (byte) (b >= 'A' && b <= 'Z' ? b | 0x20 : b);
            CLASS[b] = b == ' ' || (b >= 0x09 && b <= 0x0D) ? WS : b == '<' ? LT : b == '>' ? GT : PLAIN;
        }
    }

    private HtmlNormalizer() {}

    /** ClamAV's normaliser reads HTML with every NUL byte left out (so UTF-16 text reads as ASCII). */
    private static ByteBuffer withoutNul(ByteBuffer in, int n) {
        int first = indexOf(in, n, (byte) 0);
        if (first < 0) return in.slice(0, n);
        byte[] out = new byte[n];
        in.get(0, out, 0, first);
        int o = first;
        for (int i = first; i < n; i++) {
            byte b = in.get(i);
            if (b != 0) out[o++] = b;
        }
        return ByteBuffer.wrap(out, 0, o).slice();
    }

    private static int indexOf(ByteBuffer in, int n, byte c) {
        if (in.hasArray()) {
            int o = in.arrayOffset(), k = ByteScan.next(in.array(), o, o + n, c);
            return k < 0 ? -1 : k - o;
        }
        for (int i = 0; i < n; i++) if (in.get(i) == c) return i;
        return -1;
    }

    /** Whether the encoded-script marker {@code #@~^} occurs in the first {@code n} bytes. */
    private static boolean hasMarker(ByteBuffer in, int n) {
        return n >= 4 && ByteScan.find(in.slice(0, n), 0, n - 4, ScrencDecoder.MARKER, 1) >= 0;
    }

    /** The three normalised views, each {@code array[0, length)}; any may be empty. */
    public static final class Views {
        private byte[] full = new byte[0], text = full, script = full;
        private int nFull, nText, nScript;

        /** "nocomment": the whole document, comments left out, whitespace collapsed. */
        public ByteBuffer noComment() { return ByteBuffer.wrap(full, 0, nFull).slice(); }
        /** "notags": the text outside tags and scripts, whitespace collapsed. */
        public ByteBuffer noTags() { return ByteBuffer.wrap(text, 0, nText).slice(); }
        /** The contents of script elements. */
        public ByteBuffer scripts() { return ByteBuffer.wrap(script, 0, nScript).slice(); }

        /** Bytes each view can hold without growing. */
        public int capacity() { return full.length; }

        /** Makes room for {@code n} bytes in each view; the arrays are kept for the next document. */
        private void reset(int n) {
            if (full.length < n) {
                full = new byte[n];
                text = new byte[n];
                script = new byte[n];
            }
            nFull = nText = nScript = 0;
        }
    }

    /** Normalises at most {@code max} bytes of {@code in} into new views. */
    public static Views normalize(ByteBuffer in, long max) {
        Views v = new Views();
        normalize(in, max, v);
        return v;
    }

    /**
     * Normalises at most {@code max} bytes of {@code in} into {@code out}, reusing its arrays (the previous
     * views are overwritten).
     */
    public static void normalize(ByteBuffer in, long max, Views out) {
        int n = (int) Math.min(in.limit(), max);
        in = withoutNul(in, n);
        n = in.limit();
        if (hasMarker(in, n)) { // encoded scripts are normalised decoded
            byte[] all = new byte[n];
            in.get(0, all, 0, n);
            byte[] decoded = ScrencDecoder.decodeInHtml(all, n);
            if (decoded != null) {
                in = ByteBuffer.wrap(decoded);
                n = decoded.length;
            }
        }
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
        out.reset(n); // each view is at most as long as the input
        new Run(src, base, n, out).go();
    }

    /** One pass over a document: the position, the three outputs and the state between bytes. */
    private static final class Run {
        final byte[] src, full, text, script, name = new byte[TAG_NAME];
        final int base, end;
        final Views out;
        int i, nf, nt, ns;
        /** 1 when the last byte written to "nocomment" / "notags" was a collapsed space. */
        int spaceFull, spaceText;
        boolean inScript;

        Run(byte[] src, int base, int n, Views out) {
            this.src = src;
            this.base = base;
            this.end = base + n;
            this.i = base;
            this.out = out;
            this.full = out.full;
            this.text = out.text;
            this.script = out.script;
        }

        void go() {
            while (i < end) {
                if (inScript) script();
                else text();
                if (i < end) tag();
            }
            out.nFull = nf;
            out.nText = nt;
            out.nScript = ns;
        }

        /** Bytes outside tags and scripts, up to and including a '<' that opens a tag (comments skipped). */
        private void text() {
            byte[] s = src, f = full, t = text;
            int nf = this.nf, nt = this.nt, sf = spaceFull, st = spaceText;
            int j = i;
            for (; j < end; j++) {
                int b = s[j] & 0xFF, c = CLASS[b];
                if (c == LT) {
                    int after = comment(j);
                    if (after >= 0) {
                        j = after - 1;
                        continue;
                    }
                    f[nf++] = '<';
                    sf = 0;
                    j++;
                    break;
                }
                // plain (or '>'): written to both; whitespace: written once per run
                int ws = c == WS ? 1 : 0;
                byte o = ws != 0 ? (byte) ' ' : LOWER[b];
                f[nf] = o;
                nf += 1 - (ws & sf);
                sf = ws;
                t[nt] = o;
                nt += 1 - (ws & st);
                st = ws;
            }
            this.nf = nf;
            this.nt = nt;
            spaceFull = sf;
            spaceText = st;
            i = j;
        }

        /** Script bytes outside tags, up to and including a '<' that opens a tag (comments skipped). */
        private void script() {
            byte[] s = src, f = full, sc = script;
            int nf = this.nf, ns = this.ns, sf = spaceFull;
            int j = i;
            for (; j < end; j++) {
                int b = s[j] & 0xFF, c = CLASS[b];
                if (c == LT) {
                    int after = comment(j);
                    if (after >= 0) {
                        j = after - 1;
                        continue;
                    }
                    f[nf++] = '<';
                    sf = 0;
                    j++;
                    break;
                }
                int ws = c == WS ? 1 : 0;
                byte lower = LOWER[b];
                f[nf] = ws != 0 ? (byte) ' ' : lower;
                nf += 1 - (ws & sf);
                sf = ws;
                sc[ns++] = lower;
            }
            this.nf = nf;
            this.ns = ns;
            spaceFull = sf;
            i = j;
        }

        /**
         * After a '<': the tag up to and including its '>' (only "nocomment" gets its bytes); a '<' inside a
         * tag restarts the name. Sets {@link #inScript} from the closed tag's name.
         */
        private void tag() {
            byte[] s = src, f = full, nm = name;
            int nf = this.nf, sf = spaceFull, len = 0;
            boolean nameDone = false;
            int j = i;
            for (; j < end; j++) {
                int b = s[j] & 0xFF, c = CLASS[b];
                byte lower = LOWER[b];
                int ws = c == WS ? 1 : 0;
                f[nf] = ws != 0 ? (byte) ' ' : lower;
                nf += 1 - (ws & sf);
                sf = ws;
                if (c == GT) {
                    if (is(nm, len, SCRIPT)) inScript = true;
                    else if (is(nm, len, END_SCRIPT)) inScript = false;
                    j++;
                    break;
                }
                if (c == LT) {
                    len = 0;
                    nameDone = false;
                } else if (ws != 0) {
                    nameDone |= len > 0; // the tag name is the first run of non-blank bytes
                } else if (!nameDone && len < TAG_NAME) {
                    nm[len++] = lower;
                }
            }
            this.nf = nf;
            spaceFull = sf;
            i = j;
        }

        /**
         * When {@code src[at]} ('<') starts {@code <!--}: the index after the comment's {@code -->} (the end
         * of the input when it is not closed); else -1.
         */
        private int comment(int at) {
            byte[] s = src;
            if (at + 3 >= end || s[at + 1] != '!' || s[at + 2] != '-' || s[at + 3] != '-') return -1;
            // the first "-->" starting at or after at + 4
            for (int p = ByteScan.next(s, at + 6, end, (byte) '>'); p >= 0; p = ByteScan.next(s, p + 1, end, (byte) '>')) {
                if (s[p - 1] == '-' && s[p - 2] == '-') return p + 1;
            }
            return end;
        }

        private static boolean is(byte[] name, int len, byte[] s) {
            return len == s.length && java.util.Arrays.equals(name, 0, len, s, 0, len);
        }
    }
}

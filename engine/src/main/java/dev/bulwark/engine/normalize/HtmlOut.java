package dev.bulwark.engine.normalize;

/**
 * What the HTML machine writes: the nocomment and notags views, the current argument value with the first
 * href/src of the tag, and the script elements' text handed to {@link JsNormalizer}. The machine's states
 * ({@link HtmlMachine}) decide what goes where; this class only keeps the buffers and ClamAV's rules for
 * writing multi-byte characters, references and link targets.
 */
final class HtmlOut {
    /** ClamAV's HTML_STR_LENGTH: longest argument value (and href/src target) it keeps. */
    static final int STR_MAX = 1024;

    /** nocomment.html and notags.html. */
    final ByteSink o2, text;
    /** The javascript view, and the current script element's text so far (ClamAV hands its tokenizer each chunk's part). */
    private final ByteSink js = new ByteSink(64), jsIn = new ByteSink(256);
    /** Whether notags ends in a blank written for a run of blanks, a tag or a control byte. */
    boolean textSpace;
    /** The current argument value as ClamAV stores it (bounded). */
    final byte[] val = new byte[STR_MAX];
    int valLen;
    /** The first href and src argument of the current tag: -1 absent, -2 present without a value. */
    private final byte[] href = new byte[STR_MAX], srcArg = new byte[STR_MAX];
    private int hrefLen = -1, srcLen = -1;
    private boolean jsOn, jsWritten;
    /** Where the script text starts in the chunk at hand (0 after the first chunk). */
    private int jsFrom;
    private final JsNormalizer jsNorm = new JsNormalizer();

    HtmlOut(int n, HtmlNormalizer.Scratch reuse) {
        o2 = new ByteSink(n + 16, reuse == null ? null : reuse.noComment);
        text = new ByteSink(n / 2 + 16, reuse == null ? null : reuse.noTags);
    }

    HtmlNormalizer.Result result() {
        if (jsOn) endScript();
        return new HtmlNormalizer.Result(o2.array(), o2.length(), text.array(), text.length(), js.array(), js.length());
    }

    void putVal(int c) {
        if (valLen < STR_MAX) val[valLen++] = (byte) c;
    }

    void textSpaceOnce() {
        if (!textSpace) {
            text.put(' ');
            textSpace = true;
        }
    }

    /** ClamAV's form of a UTF-16 code unit: nothing for NUL, one byte below 0xFF, '.' for full stops, else &amp;#xhhhh;. */
    void putU16(int u, boolean toVal) {
        u &= 0xFFFF;
        if (u == 0) return;
        if (u < 0xFF) {
            o2.put(u);
            if (toVal) putVal(u);
        } else if (u == 0x3002 || u == 0xFF0E || u == 0xFE52) {
            o2.put('.');
            if (toVal) putVal('.');
        } else {
            int[] hex = {'&', '#', 'x', digit(u >>> 12), digit(u >>> 8), digit(u >>> 4), digit(u), ';'};
            for (int h : hex) {
                o2.put(h);
                if (toVal) putVal(h);
            }
        }
    }

    private static int digit(int v) {
        return "0123456789abcdef".charAt(v & 0xF);
    }

    /** A multi-byte character's bytes (up to three, as ClamAV collects them) to nocomment, and to notags or the value. */
    void flushMb(int mb, boolean toText, boolean toVal) {
        int c0 = (mb >>> 16) & 0xFF, c1 = (mb >>> 8) & 0xFF, c2 = mb & 0xFF;
        if (c0 != 0) o2.put(c0);
        if (c0 != 0 || c1 != 0) o2.put(c1);
        o2.put(c2);
        if (toText) { // ClamAV writes the middle byte where the last belongs
            if (c0 != 0) text.put(c0);
            if (c0 != 0 || c1 != 0) text.put(c1);
            text.put(c1);
        }
        if (toVal) {
            if (c0 != 0) putVal(c0);
            if (c0 != 0 || c1 != 0) putVal(c1);
            putVal(c2);
        }
    }

    /** Ends an argument: the first href and src values of the tag are kept for its link text. */
    void addArg(byte[] arg, int argLen, boolean hasValue) {
        boolean isHref = argLen == 4 && arg[0] == 'h' && arg[1] == 'r' && arg[2] == 'e' && arg[3] == 'f';
        boolean isSrc = argLen == 3 && arg[0] == 's' && arg[1] == 'r' && arg[2] == 'c';
        if (!(isHref && hrefLen == -1) && !(isSrc && srcLen == -1)) return;
        int from = 0, len = -2;
        if (hasValue) {
            len = valLen;
            // a value stored with its opening quote loses it and its last byte
            if (valLen > 0 && val[0] == '"') {
                from = 1;
                len = valLen - 1 > 0 ? valLen - 2 : 0;
            }
            for (int i = 0; i < len; i++) if (val[from + i] == 0) len = i; // a C string ends at NUL
        }
        byte[] dst = isHref ? href : srcArg;
        if (len > 0) System.arraycopy(val, from, dst, 0, len);
        if (isHref) hrefLen = len;
        else srcLen = len;
    }

    /** After an {@code <a>} or {@code <img>} tag: its href / src target goes to notags. */
    void linkText(boolean anchor) {
        byte[] v = anchor ? href : srcArg;
        int len = anchor ? hrefLen : srcLen;
        if (len <= 0) return;
        text.put(v, 0, len);
        text.put(' ');
        textSpace = true;
    }

    /** Forgets the tag's href and src (every processed tag). */
    void endTag() {
        hrefLen = srcLen = -1;
    }

    /** A script element starts at {@code from} of the chunk (ignored when one is open already). */
    void startScript(int from) {
        if (!jsOn) {
            jsOn = true;
            jsFrom = from;
        }
    }

    boolean inScript() {
        return jsOn;
    }

    /** The end of a chunk: the open script's text in it is kept. */
    void chunkEnd(byte[] s, int len) {
        if (!jsOn) return;
        if (len > jsFrom) jsIn.put(s, jsFrom, len - jsFrom);
        jsFrom = 0;
    }

    /** A {@code </script>} at {@code at} of the chunk: the script's text so far is normalised. */
    void closeScript(byte[] s, int at) {
        if (!jsOn) return;
        if (at > jsFrom) jsIn.put(s, jsFrom, at - jsFrom);
        endScript();
    }

    private void endScript() {
        jsNorm.reset();
        jsNorm.feed(jsIn.array(), 0, jsIn.length());
        jsNorm.finish(js, !jsWritten);
        jsWritten = true;
        jsOn = false;
        jsIn.truncate(0);
    }
}

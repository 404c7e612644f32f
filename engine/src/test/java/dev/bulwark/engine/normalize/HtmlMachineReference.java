package dev.bulwark.engine.normalize;

/**
 * The per-byte HTML machine as it was before its fast paths (test reference, not used by the engine): ClamAV's HTML state machine (its behaviour, reimplemented) over the chunks it reads,
 * writing the three views. Flat arrays; the tag, argument, value and entity buffers have ClamAV's fixed size.
 */
final class HtmlMachineReference {
    /** ClamAV reads HTML in chunks of 8 KiB less its terminating NUL, cut back to the last blank. */
    private static final int CHUNK = 8191;
    /** ClamAV's HTML_STR_LENGTH: longest tag name, argument name and value, entity name it keeps. */
    private static final int STR_MAX = 1024;

    private static final int NORM = 0, SKIP_WS = 1, TRIM_WS = 2, TAG = 3, TAG_ARG = 4, TAG_ARG_VAL = 5, TAG_ARG_EQUAL = 6,
            PROCESS_TAG = 7, COMMENT = 8, CHAR_REF = 9, CHAR_REF_DECODE = 10, ENTITY_REF_DECODE = 11, EIGHT_BIT = 12,
            RFC2397_TYPE = 13, RFC2397_DATA = 14, RFC2397_FINISH = 15, ESCAPE_CHAR = 16, RFC2397_ESC = 17;
    private static final int OUTSIDE = 0, IN_SCRIPT = 1, IN_STYLE = 2;
    private static final int NOT_QUOTED = 0, SINGLE = 1, DOUBLE = 2;

    static boolean isSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D);
    }

    private static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c | 0x20 : c;
    }

    private static boolean isAlnum(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A named reference's code point as ClamAV converts it, or -1 (kept as written). */
    private static int entity(byte[] name, int len) {
        return HtmlEntities.codePoint(new String(name, 0, len, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** ClamAV's form of a UTF-16 code unit: nothing for NUL, one byte below 0xFF, '.' for full stops, else &amp;#xhhhh;. */
    private static void putU16(ByteSink out, HtmlMachineReference m, int u) {
        u &= 0xFFFF;
        if (u == 0) return;
        if (u < 0xFF) {
            out.put(u);
            if (m != null) m.putVal(u);
        } else if (u == 0x3002 || u == 0xFF0E || u == 0xFE52) {
            out.put('.');
            if (m != null) m.putVal('.');
        } else {
            String hex = "&#x" + String.format("%04x", u) + ";";
            out.put(hex);
            if (m != null) for (int k = 0; k < hex.length(); k++) m.putVal(hex.charAt(k));
        }
    }


    private final byte[] in;
    private final int base, n;
    /** The chunk being normalised, as ClamAV reads it: NULs left out, cut back to the last blank. */
    private final byte[] s = new byte[CHUNK];
    private int lineLen;
    private final ByteSink o2, text, js = new ByteSink(64);
    private int state = NORM, next = NORM, inTag = OUTSIDE, quoted = NOT_QUOTED;
    private boolean textSpace, escape, hex;
    /** Inside a data: URI's data, where ClamAV stops folding newlines and dropping CRs. */
    private boolean binary;
    /** Where the current style element's text starts in this chunk (0 in later chunks). */
    private int styleBegin;
    /**
     * ClamAV gives up (keeping what it wrote) when a {@code </style>} is handled less than its own length
     * after the start of the style text in the chunk at hand: the tag's end and its handling fell in
     * different chunks.
     */
    private boolean aborted;
    private int escLength;
    private final byte[] tag = new byte[STR_MAX], arg = new byte[STR_MAX], val = new byte[STR_MAX], ent = new byte[STR_MAX];
    private int tagLen, argLen, valLen, entLen;
    private long value;
    private int mbchar, mbchar2;
    /** The first href and src argument of the current tag: -1 absent, -2 present without a value. */
    private final byte[] href = new byte[STR_MAX], srcArg = new byte[STR_MAX];
    private int hrefLen = -1, srcLen = -1;
    /** The current script element's text so far (ClamAV hands its tokenizer each chunk's part). */
    private final ByteSink jsIn = new ByteSink(256);
    private boolean jsOn, jsWritten;
    private int jsFrom;
    private final JsNormalizer jsNorm = new JsNormalizer();

    HtmlMachineReference(byte[] in, int base, int n) {
        this.in = in;
        this.base = base;
        this.n = n;
        o2 = new ByteSink(n + 16);
        text = new ByteSink(n / 2 + 16);
    }

    HtmlNormalizer.Result run() {
        int off = 0;
        while (off < n && !aborted) {
            int avail = Math.min(n - off, CHUNK), len = 0, next;
            int nul = -1;
            for (int k = 0; k < avail && nul < 0; k++) if (in[base + off + k] == 0) nul = off + k;
            if (nul < 0) {
                System.arraycopy(in, base + off, s, 0, avail);
                len = avail;
                next = off + avail;
            } else { // NULs are skipped until the chunk is full
                len = nul - off;
                System.arraycopy(in, base + off, s, 0, len);
                next = nul;
                while (next < n && len < CHUNK) {
                    byte b = in[base + next++];
                    if (b != 0) s[len++] = b;
                }
            }
            off = next;
            if (next < n && len > 0 && !isSpace(in[base + next] & 0xFF)) {
                // cut back to the last blank; ClamAV steps its read offset back by the bytes cut, not
                // counting NULs among them, so as many bytes after the cut are lost
                int k = len;
                while (k > 1 && !isSpace(s[k - 1] & 0xFF)) k--;
                if (k > 1 && k < len) {
                    off -= len - k;
                    len = k;
                }
            }
            lineLen = len;
            styleBegin = 0;
            chunk(len);
            if (jsOn && !aborted) {
                if (len > jsFrom) jsIn.put(s, jsFrom, len - jsFrom);
                jsFrom = 0;
            }
        }
        if (entLen > 0 && !aborted) { // an unfinished entity at the end
            int e = entity(ent, entLen);
            if (e >= 0) putU16(o2, null, e);
            else {
                o2.put('&');
                for (int i = 0; i < entLen; i++) o2.put(lower(ent[i] & 0xFF));
            }
        }
        if (jsOn) endScript();
        return new HtmlNormalizer.Result(o2.toArray(), text.toArray(), js.toArray());
    }

    private void endScript() {
        jsNorm.reset();
        byte[] b = jsIn.toArray();
        jsNorm.feed(b, 0, b.length);
        jsNorm.finish(js, !jsWritten);
        jsWritten = true;
        jsOn = false;
        jsIn.truncate(0);
    }

    private void addArg(boolean hasValue) {
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

    private void putVal(int c) {
        if (valLen < STR_MAX) val[valLen++] = (byte) c;
    }

    private void textSpaceOnce() {
        if (!textSpace) {
            text.put(' ');
            textSpace = true;
        }
    }

    private void flushMb(int mb, boolean toText, boolean toVal) {
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

    private static boolean dotLike(int mb) {
        return mb == 0xE38082 || mb == 0xEFBC8E || mb == 0xEFB992;
    }

    private void chunk(int to) {
        int i = 0;
        while (i < to && isSpace(s[i] & 0xFF)) i++;
        while (i < to && !aborted) {
            int c = s[i] & 0xFF;
            if (c == '\n' && !binary) c = ' ';
            else if (c == '\r' && !binary) {
                i++;
                continue;
            }
            i = step(c, i);
        }
    }

    /** One step of the machine at byte {@code c} (position {@code i}); returns the next position. */
    private int step(int c, int i) {
        switch (state) {
            case SKIP_WS, TRIM_WS -> {
                if (isSpace(c)) return i + 1;
                if (state == TRIM_WS && inTag == OUTSIDE) o2.put(' ');
                state = next;
                return i;
            }
            case EIGHT_BIT -> {
                if (c < 0x80 || mbchar >= 0x10000) {
                    boolean a1 = mbchar == 0xA1 && (c == 'C' || c == 'D' || c == 'O');
                    if (dotLike(mbchar) || a1) {
                        o2.put('.');
                        text.put('.');
                        if (a1) {
                            mbchar = 0;
                            return i + 1; // the state stays: ClamAV does not leave it here
                        }
                    } else flushMb(mbchar, true, false);
                    mbchar = 0;
                    state = next;
                    next = NORM;
                    return i;
                }
                mbchar = (mbchar << 8) | c;
                return i + 1;
            }
            case NORM -> {
                if (c == '<') {
                    o2.put('<');
                    if (inTag == OUTSIDE) textSpaceOnce();
                    state = SKIP_WS;
                    tagLen = 0;
                    next = TAG;
                    return i + 1;
                }
                if (isSpace(c)) {
                    if (inTag == OUTSIDE) textSpaceOnce();
                    state = TRIM_WS;
                    next = NORM;
                    return i;
                }
                if (c == '&') {
                    if (inTag == OUTSIDE) textSpaceOnce();
                    state = CHAR_REF;
                    next = NORM;
                    return i + 1;
                }
                if (c >= 0x80) {
                    state = EIGHT_BIT;
                    next = NORM;
                    mbchar = c;
                    return i + 1;
                }
                int l = lower(c);
                if (inTag != OUTSIDE && l == '\'') l = '"';
                o2.put(l);
                if (inTag == OUTSIDE) {
                    if (c < 0x20) textSpaceOnce();
                    else {
                        text.put(l);
                        textSpace = false;
                    }
                }
                return i + 1;
            }
            case TAG -> {
                if (tagLen == 0 && c == '!') {
                    if (inTag != OUTSIDE) o2.put('!');
                    else o2.unput();
                    state = COMMENT;
                    return i + 1;
                }
                if (c == '>') {
                    o2.put('>');
                    state = SKIP_WS;
                    next = PROCESS_TAG;
                    return i + 1;
                }
                if (!isSpace(c)) {
                    o2.put(lower(c));
                    if (inTag != OUTSIDE && tagLen == 0 && c != '/') state = NORM;
                    if (tagLen < STR_MAX) tag[tagLen++] = (byte) lower(c);
                    return i + 1;
                }
                state = SKIP_WS;
                argLen = 0;
                next = inTag == OUTSIDE ? TAG_ARG : PROCESS_TAG;
                return i;
            }
            case TAG_ARG -> {
                if (c == '=') {
                    o2.put('=');
                    startValue();
                    return i + 1;
                }
                if (isSpace(c)) {
                    state = SKIP_WS;
                    next = TAG_ARG_EQUAL;
                    return i + 1;
                }
                if (c == '>') {
                    o2.put('>');
                    if (argLen > 0) addArg(false);
                    state = PROCESS_TAG;
                    return i + 1;
                }
                if (argLen == 0) o2.put(' ');
                o2.put(lower(c));
                if (argLen < STR_MAX) arg[argLen++] = (byte) lower(c);
                return i + 1;
            }
            case TAG_ARG_EQUAL -> {
                if (c == '=') {
                    o2.put('=');
                    startValue();
                    return i + 1;
                }
                if (argLen > 0) addArg(false);
                argLen = 0;
                state = TAG_ARG;
                return i;
            }
            case RFC2397_TYPE, RFC2397_DATA -> {
                int r = state == RFC2397_TYPE ? dataType(c, i) : dataBytes(c, i);
                escape = r < lineLen && s[r] == '\\';
                return r;
            }
            case RFC2397_FINISH -> {
                state = SKIP_WS;
                escape = false;
                quoted = NOT_QUOTED;
                next = TAG_ARG;
                binary = false;
                return i;
            }
            case ESCAPE_CHAR -> { // %xx in data: URI data, decoded into the data (not a view)
                if (value >= Long.MAX_VALUE / 16) {
                    state = next;
                    return i + 1;
                }
                value *= 16;
                escLength++;
                if (isHex(c)) value += c <= '9' ? c - '0' : lower(c) - 'a' + 10;
                else state = next;
                if (escLength == 2) state = next;
                return i + 1;
            }
            case RFC2397_ESC -> {
                state = RFC2397_DATA;
                return i;
            }
            case TAG_ARG_VAL -> {
                if (startsData()) { // data: URI: its bytes go to the MIME decoder, not to the views
                    o2.unput();
                    if (quoted != NOT_QUOTED) o2.put('"');
                    valLen = 0;
                    state = RFC2397_TYPE;
                    next = TAG_ARG;
                    escape = i < lineLen && s[i] == '\\';
                    return i;
                }
                int r = argValue(c, i);
                escape = r < lineLen && s[r] == '\\'; // ClamAV looks at the byte after the one just handled
                return r;
            }
            case COMMENT -> {
                if (inTag != OUTSIDE && !isSpace(c)) {
                    int l = lower(c);
                    o2.put(l == '\'' ? '"' : l);
                }
                if (c == '>') {
                    state = SKIP_WS;
                    next = NORM;
                }
                return i + 1;
            }
            case PROCESS_TAG -> {
                processTag(i);
                return i;
            }
            case CHAR_REF -> {
                if (c == '#') {
                    value = 0;
                    hex = false;
                    state = CHAR_REF_DECODE;
                    return i + 1;
                }
                state = ENTITY_REF_DECODE;
                return i;
            }
            case ENTITY_REF_DECODE -> {
                return entityStep(c, i);
            }
            case CHAR_REF_DECODE -> {
                return charRefStep(c, i);
            }
            default -> throw new IllegalStateException("HTML state " + state);
        }
    }

    private void startValue() {
        state = SKIP_WS;
        escape = false;
        quoted = NOT_QUOTED;
        valLen = 0;
        next = TAG_ARG_VAL;
    }

    private void endValue() {
        addArg(true);
        state = SKIP_WS;
        argLen = 0;
        next = TAG_ARG;
    }

    private boolean startsData() {
        int o = valLen == 6 && val[0] == '"' ? 1 : valLen == 5 ? 0 : -1;
        return o >= 0 && val[o] == 'd' && val[o + 1] == 'a' && val[o + 2] == 't' && val[o + 3] == 'a' && val[o + 4] == ':';
    }

    /** A data: URI's media type, up to its ','; an end of the value here ends the argument. */
    private int dataType(int c, int i) {
        if (c == '\'' || c == '"') {
            if (!escape && quoted == (c == '"' ? DOUBLE : SINGLE)) {
                state = SKIP_WS;
                argLen = 0;
                next = TAG_ARG;
            } else putVal('"');
            return i + 1;
        }
        if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                state = SKIP_WS;
                argLen = 0;
                next = TAG_ARG;
                return i;
            }
            putVal(isSpace(c) ? ' ' : '>');
            state = SKIP_WS;
            escape = false;
            quoted = NOT_QUOTED;
            next = RFC2397_TYPE;
            return i + 1;
        }
        if (c == ',') {
            state = RFC2397_DATA;
            escape = false;
            binary = true;
            return i + 1;
        }
        putVal(lower(c));
        return i + 1;
    }

    /** A data: URI's data: skipped, but references in it are still written to nocomment as ClamAV does. */
    private int dataBytes(int c, int i) {
        if (c == '&') {
            state = CHAR_REF;
            next = RFC2397_DATA;
            return i + 1;
        }
        if (c == '%') {
            escLength = 0;
            value = 0;
            state = ESCAPE_CHAR;
            next = RFC2397_ESC;
            return i + 1;
        }
        if ((c == '\'' || c == '"') && !escape && quoted == (c == '"' ? DOUBLE : SINGLE)) state = RFC2397_FINISH;
        else if ((isSpace(c) || c == '>') && quoted == NOT_QUOTED) state = RFC2397_FINISH; // the '>' is taken too
        return i + 1;
    }

    private int argValue(int c, int i) {
        if (c == '&') {
            state = CHAR_REF;
            next = TAG_ARG_VAL;
            return i + 1;
        }
        if (c == '\'' || c == '"') {
            int q = c == '"' ? DOUBLE : SINGLE;
            o2.put('"');
            putVal('"');
            if (valLen == 1) quoted = q;
            else if (!escape && quoted == q) endValue();
            return i + 1;
        }
        if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                endValue();
                return i;
            }
            o2.put(c);
            putVal(isSpace(c) ? ' ' : '>');
            state = SKIP_WS;
            escape = false;
            quoted = NOT_QUOTED;
            next = TAG_ARG_VAL;
            return i + 1;
        }
        if (mbchar2 != 0 && (c < 0x80 || mbchar2 >= 0x10000)) {
            boolean a1 = mbchar2 == 0xA1 && (c == 'C' || c == 'D' || c == 'O');
            if (dotLike(mbchar2) || a1) {
                o2.put('.');
                putVal('.');
                if (a1) {
                    mbchar2 = 0;
                    return i + 1;
                }
            } else flushMb(mbchar2, false, true);
            mbchar2 = 0;
        }
        if (c >= 0x80) mbchar2 = (mbchar2 << 8) | c;
        else {
            o2.put(lower(c));
            putVal(c);
        }
        return i + 1;
    }

    private void processTag(int i) {
        state = SKIP_WS;
        next = NORM;
        if (tagLen > 0 && tag[0] == '/') {
            if (tagIs("/script")) {
                inTag = OUTSIDE;
                if (jsOn) {
                    if (i > jsFrom) jsIn.put(s, jsFrom, i - jsFrom);
                    endScript();
                }
            } else if (inTag == IN_STYLE && tagIs("/style")) {
                if (i - "</style>".length() < styleBegin) {
                    aborted = true;
                    return;
                }
                inTag = OUTSIDE;
            }
        } else if (tagIs("script")) {
            inTag = IN_SCRIPT;
            if (!jsOn) {
                jsOn = true;
                jsFrom = i;
            }
        } else if (tagIs("style")) {
            inTag = IN_STYLE;
            styleBegin = i;
        } else if (tagIs("a")) {
            linkText(href, hrefLen);
        } else if (tagIs("img")) {
            linkText(srcArg, srcLen);
        }
        hrefLen = srcLen = -1;
    }

    private void linkText(byte[] v, int len) {
        if (len <= 0) return;
        text.put(v, 0, len);
        text.put(' ');
        textSpace = true;
    }

    private boolean tagIs(String name) {
        if (tagLen != name.length()) return false;
        for (int k = 0; k < tagLen; k++) if (tag[k] != name.charAt(k)) return false;
        return true;
    }

    private void backToNext() {
        state = next;
    }

    private int entityStep(int c, int i) {
        boolean inValue = next == TAG_ARG_VAL;
        if (c == ';') {
            int e = entity(ent, entLen);
            if (e >= 0) putU16(o2, inValue ? this : null, e);
            else {
                o2.put('&');
                if (inValue) putVal('&');
                for (int k = 0; k < entLen; k++) {
                    int l = lower(ent[k] & 0xFF);
                    o2.put(l);
                    if (inValue) putVal(l);
                }
                if (inValue) putVal(';');
                o2.put(';');
            }
            entLen = 0;
            backToNext();
            return i + 1;
        }
        if ((isAlnum(c) || c == '_' || c == ':' || c == '-') && entLen < STR_MAX) {
            ent[entLen++] = (byte) c;
            return i + 1;
        }
        if (inValue) putVal('&');
        o2.put('&');
        for (int k = 0; k < entLen; k++) {
            int l = lower(ent[k] & 0xFF);
            o2.put(l);
            if (inValue) putVal(l);
        }
        entLen = 0;
        backToNext();
        return i;
    }

    private int charRefStep(int c, int i) {
        if (value == 0 && (c == 'x' || c == 'X')) {
            hex = true;
            return i + 1;
        }
        if (c == ';') {
            if (next == TAG_ARG_VAL) putVal((int) value);
            if (value < 0x80) o2.put(lower((int) value));
            else putU16(o2, null, (int) value);
            backToNext();
            return i + 1;
        }
        boolean digit = c >= '0' && c <= '9';
        if (digit || (hex && isHex(c))) {
            if (hex && value < Long.MAX_VALUE / 16) value *= 16;
            else if (value < Long.MAX_VALUE / 10) value *= 10;
            else {
                o2.put((int) value);
                backToNext();
                return i + 1;
            }
            int inc = digit ? c - '0' : lower(c) - 'a' + 10;
            if (value > Long.MAX_VALUE - inc) {
                o2.put((int) value);
                backToNext();
                return i + 1;
            }
            value += inc;
            return i + 1;
        }
        o2.put((int) value);
        backToNext();
        return i;
    }
}

package dev.bulwark.engine.normalize;

/**
 * ClamAV's HTML state machine (its behaviour, reimplemented), one byte at a time: the states, what each writes
 * to the views ({@link HtmlOut}) and the state it goes to. {@link HtmlMachine} reads the document in ClamAV's
 * chunks and runs these steps, except over runs of ordinary bytes that it handles the same way in bulk. The
 * tag and argument buffers have ClamAV's fixed size.
 */
class HtmlSteps {
    /** ClamAV reads HTML in chunks of 8 KiB less its terminating NUL, cut back to the last blank. */
    static final int CHUNK = 8191;
    /** ClamAV's HTML_STR_LENGTH: longest tag name and argument name it keeps. */
    static final int STR_MAX = HtmlOut.STR_MAX;

    static final int NORM = 0, SKIP_WS = 1, TRIM_WS = 2, TAG = 3, TAG_ARG = 4, TAG_ARG_VAL = 5, TAG_ARG_EQUAL = 6,
            PROCESS_TAG = 7, COMMENT = 8, CHAR_REF = 9, CHAR_REF_DECODE = 10, ENTITY_REF_DECODE = 11, EIGHT_BIT = 12,
            RFC2397_TYPE = 13, RFC2397_DATA = 14, RFC2397_FINISH = 15, ESCAPE_CHAR = 16, RFC2397_ESC = 17;
    static final int OUTSIDE = 0, IN_SCRIPT = 1, IN_STYLE = 2;
    private static final int NOT_QUOTED = 0, SINGLE = 1, DOUBLE = 2;

    /** Blanks as C's isspace: space and 0x09-0x0D (a table: one load, no chain of compares for C2 to trap in). */
    private static final boolean[] SPACE = new boolean[256];

    static {
        SPACE[' '] = true;
        for (int c = 0x09; c <= 0x0D; c++) SPACE[c] = true;
    }

    /** Whether byte {@code c} (0-255) is a blank. */
    static boolean isSpace(int c) {
        return SPACE[c];
    }

    /** Byte {@code c} (0-255) with ASCII letters lower-cased. */
    private static int lower(int c) {
        return HtmlBytes.LOWER[c] & 0xFF;
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** The chunk being normalised, as ClamAV reads it: NULs left out, cut back to the last blank. */
    final byte[] s;
    /** The chunk's length. */
    int lineLen;
    final HtmlOut out;
    final ByteSink o2;
    int state = NORM, next = NORM, inTag = OUTSIDE;
    private int quoted = NOT_QUOTED;
    /** Whether the byte after the one last handled in a value is a backslash (ClamAV's escape rule). */
    boolean escape;
    /** Inside a data: URI's data, where ClamAV stops folding newlines and dropping CRs. */
    boolean binary;
    /** Where the current style element's text starts in this chunk (0 in later chunks). */
    int styleBegin;
    /**
     * ClamAV gives up (keeping what it wrote) when a {@code </style>} is handled less than its own length
     * after the start of the style text in the chunk at hand: the tag's end and its handling fell in
     * different chunks.
     */
    boolean aborted;
    private int escLength;
    private long value;
    /** The multi-byte character being collected in text, and in an argument value (0: none). */
    private int mbchar;
    int mbchar2;
    private final byte[] tag = new byte[STR_MAX], arg = new byte[STR_MAX];
    private int tagLen, argLen;
    final HtmlRefs refs;

    HtmlSteps(int n, HtmlNormalizer.Scratch reuse) {
        s = reuse != null && reuse.chunk != null ? reuse.chunk : new byte[CHUNK];
        if (reuse != null) reuse.chunk = s;
        out = new HtmlOut(n, reuse);
        o2 = out.o2;
        refs = new HtmlRefs(out);
    }

    /** One step of the machine at byte {@code c} (position {@code i}); returns the next position. */
    final int step(int c, int i) {
        switch (state) {
            case SKIP_WS, TRIM_WS -> {
                if (isSpace(c)) return i + 1;
                if (state == TRIM_WS && inTag == OUTSIDE) o2.put(' ');
                state = next;
                return i;
            }
            case NORM -> {
                return norm(c, i);
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
                    if (argLen > 0) out.addArg(arg, argLen, false);
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
                if (argLen > 0) out.addArg(arg, argLen, false);
                argLen = 0;
                state = TAG_ARG;
                return i;
            }
            case TAG_ARG_VAL -> {
                if (startsData()) { // data: URI: its bytes go to the MIME decoder, not to the views
                    o2.unput();
                    if (quoted != NOT_QUOTED) o2.put('"');
                    out.valLen = 0;
                    state = RFC2397_TYPE;
                    next = TAG_ARG;
                    escape = i < lineLen && s[i] == '\\';
                    return i;
                }
                int r = argValue(c, i);
                escape = r < lineLen && s[r] == '\\'; // ClamAV looks at the byte after the one just handled
                return r;
            }
            case PROCESS_TAG -> {
                processTag(i);
                return i;
            }
            default -> {
                return rareStep(c, i);
            }
        }
    }

    /**
     * The states most bytes never reach (comments, references, multi-byte characters, data: URIs): out of
     * {@link #step} so that C2, which compiles a switch with the cases its profile has seen and traps on the
     * others, recompiles this method and not the step when a document first reaches one of them.
     */
    private int rareStep(int c, int i) {
        switch (state) {
            case EIGHT_BIT -> {
                return eightBit(c, i);
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
            case CHAR_REF -> {
                if (c == '#') {
                    refs.startNumber();
                    state = CHAR_REF_DECODE;
                    return i + 1;
                }
                state = ENTITY_REF_DECODE;
                return i;
            }
            case ENTITY_REF_DECODE -> {
                return afterRef(refs.entityStep(c, next == TAG_ARG_VAL), i);
            }
            case CHAR_REF_DECODE -> {
                return afterRef(refs.numberStep(c, next == TAG_ARG_VAL), i);
            }
            default -> throw new IllegalStateException("HTML state " + state);
        }
    }

    /**
     * A tag name after its first byte (state TAG) or an argument name after its first (TAG_ARG), as the steps
     * read it: bytes lower-cased to nocomment and the name, CRs dropped, up to a blank, '&gt;' ('=' too for an
     * argument) or a full name buffer (the steps go on from there). Returns where a byte needs the step.
     */
    final int nameRun(int i, int to) {
        boolean isTag = state == TAG;
        int len = isTag ? tagLen : argLen;
        if (len == 0) return i; // the first byte: the step (a comment's '!', an argument's blank)
        byte[] cls = isTag ? HtmlBytes.TAG_NAME_CLASS : HtmlBytes.ARG_NAME_CLASS, low = HtmlBytes.LOWER;
        byte[] name = isTag ? tag : arg;
        byte[] ob = o2.room(to - i);
        int ol = o2.length();
        boolean more = len < STR_MAX;
        while (more) { // one exit per pass, a bound fixed before it (see HtmlMachine.valueRun)
            int end = Math.min(to, i + (STR_MAX - len));
            while (i < end) {
                int c = s[i] & 0xFF;
                int k = cls[c];
                if (k == HtmlBytes.PLAIN) {
                    byte l = low[c];
                    ob[ol++] = l;
                    name[len++] = l;
                    i++;
                } else if (k == HtmlBytes.CR) {
                    i++;
                } else {
                    break;
                }
            }
            more = i == end && i < to && len < STR_MAX;
        }
        o2.setLength(ol);
        if (isTag) tagLen = len;
        else argLen = len;
        return i;
    }

    /** After a reference's step: back to the state it was read in when it ended. */
    private int afterRef(int r, int i) {
        if (r != HtmlRefs.MORE) state = next;
        return r == HtmlRefs.DONE_AT ? i : i + 1;
    }

    private int norm(int c, int i) {
        if (c == '<') {
            o2.put('<');
            if (inTag == OUTSIDE) out.textSpaceOnce();
            state = SKIP_WS;
            tagLen = 0;
            next = TAG;
            return i + 1;
        }
        if (isSpace(c)) {
            if (inTag == OUTSIDE) out.textSpaceOnce();
            state = TRIM_WS;
            next = NORM;
            return i;
        }
        if (c == '&') {
            if (inTag == OUTSIDE) out.textSpaceOnce();
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
            if (c < 0x20) out.textSpaceOnce();
            else {
                out.text.put(l);
                out.textSpace = false;
            }
        }
        return i + 1;
    }

    private int eightBit(int c, int i) {
        if (c < 0x80 || mbchar >= 0x10000) {
            boolean a1 = mbchar == 0xA1 && (c == 'C' || c == 'D' || c == 'O');
            if (dotLike(mbchar) || a1) {
                o2.put('.');
                out.text.put('.');
                if (a1) {
                    mbchar = 0;
                    return i + 1; // the state stays: ClamAV does not leave it here
                }
            } else out.flushMb(mbchar, true, false);
            mbchar = 0;
            state = next;
            next = NORM;
            return i;
        }
        mbchar = (mbchar << 8) | c;
        return i + 1;
    }

    private static boolean dotLike(int mb) {
        return mb == 0xE38082 || mb == 0xEFBC8E || mb == 0xEFB992;
    }

    private void startValue() {
        state = SKIP_WS;
        escape = false;
        quoted = NOT_QUOTED;
        out.valLen = 0;
        next = TAG_ARG_VAL;
    }

    private void endValue() {
        out.addArg(arg, argLen, true);
        state = SKIP_WS;
        argLen = 0;
        next = TAG_ARG;
    }

    private boolean startsData() {
        byte[] val = out.val;
        int valLen = out.valLen;
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
            } else out.putVal('"');
            return i + 1;
        }
        if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                state = SKIP_WS;
                argLen = 0;
                next = TAG_ARG;
                return i;
            }
            out.putVal(isSpace(c) ? ' ' : '>');
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
        out.putVal(lower(c));
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
            out.putVal('"');
            if (out.valLen == 1) quoted = q;
            else if (!escape && quoted == q) endValue();
            return i + 1;
        }
        if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                endValue();
                return i;
            }
            o2.put(c);
            out.putVal(isSpace(c) ? ' ' : '>');
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
                out.putVal('.');
                if (a1) {
                    mbchar2 = 0;
                    return i + 1;
                }
            } else out.flushMb(mbchar2, false, true);
            mbchar2 = 0;
        }
        if (c >= 0x80) mbchar2 = (mbchar2 << 8) | c;
        else {
            o2.put(lower(c));
            out.putVal(c);
        }
        return i + 1;
    }

    private void processTag(int i) {
        state = SKIP_WS;
        next = NORM;
        if (tagLen > 0 && tag[0] == '/') {
            if (tagIs("/script")) {
                inTag = OUTSIDE;
                out.closeScript(s, i);
            } else if (inTag == IN_STYLE && tagIs("/style")) {
                if (i - "</style>".length() < styleBegin) {
                    aborted = true;
                    return;
                }
                inTag = OUTSIDE;
            }
        } else if (tagIs("script")) {
            inTag = IN_SCRIPT;
            out.startScript(i);
        } else if (tagIs("style")) {
            inTag = IN_STYLE;
            styleBegin = i;
        } else if (tagIs("a")) {
            out.linkText(true);
        } else if (tagIs("img")) {
            out.linkText(false);
        }
        out.endTag();
    }

    private boolean tagIs(String name) {
        if (tagLen != name.length()) return false;
        for (int k = 0; k < tagLen; k++) if (tag[k] != name.charAt(k)) return false;
        return true;
    }
}

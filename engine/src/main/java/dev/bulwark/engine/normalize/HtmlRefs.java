package dev.bulwark.engine.normalize;

/**
 * ClamAV's character references in the HTML machine: named ({@code &amp;name;}) and numeric
 * ({@code &#65;}, {@code &#x41;}) references, written to nocomment and, inside an argument value, to the value.
 * Each step says whether the reference goes on ({@link #MORE}), ended with this byte ({@link #DONE}) or
 * ended before it ({@link #DONE_AT}: the byte is read again in the state after the reference).
 */
final class HtmlRefs {
    static final int MORE = 0, DONE = 1, DONE_AT = 2;
    /** ClamAV's HTML_STR_LENGTH: longest entity name it keeps. */
    private static final int STR_MAX = HtmlOut.STR_MAX;

    private final HtmlOut out;
    private final ByteSink o2;
    private final byte[] ent = new byte[STR_MAX];
    private int entLen;
    private long value;
    private boolean hex;

    HtmlRefs(HtmlOut out) {
        this.out = out;
        this.o2 = out.o2;
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

    /** After "&#": a numeric reference starts. */
    void startNumber() {
        value = 0;
        hex = false;
    }

    /** One byte of a named reference; {@code inValue}: inside an argument value, which gets the reference too. */
    int entityStep(int c, boolean inValue) {
        if (c == ';') {
            int e = entity(ent, entLen);
            if (e >= 0) out.putU16(e, inValue);
            else {
                o2.put('&');
                if (inValue) out.putVal('&');
                for (int k = 0; k < entLen; k++) {
                    int l = lower(ent[k] & 0xFF);
                    o2.put(l);
                    if (inValue) out.putVal(l);
                }
                if (inValue) out.putVal(';');
                o2.put(';');
            }
            entLen = 0;
            return DONE;
        }
        if ((isAlnum(c) || c == '_' || c == ':' || c == '-') && entLen < STR_MAX) {
            ent[entLen++] = (byte) c;
            return MORE;
        }
        if (inValue) out.putVal('&');
        o2.put('&');
        for (int k = 0; k < entLen; k++) {
            int l = lower(ent[k] & 0xFF);
            o2.put(l);
            if (inValue) out.putVal(l);
        }
        entLen = 0;
        return DONE_AT;
    }

    /** One byte of a numeric reference after "&#". */
    int numberStep(int c, boolean inValue) {
        if (value == 0 && (c == 'x' || c == 'X')) {
            hex = true;
            return MORE;
        }
        if (c == ';') {
            if (inValue) out.putVal((int) value);
            if (value < 0x80) o2.put(lower((int) value));
            else out.putU16((int) value, false);
            return DONE;
        }
        boolean digit = c >= '0' && c <= '9';
        if (digit || (hex && isHex(c))) {
            if (hex && value < Long.MAX_VALUE / 16) value *= 16;
            else if (value < Long.MAX_VALUE / 10) value *= 10;
            else {
                o2.put((int) value);
                return DONE;
            }
            int inc = digit ? c - '0' : lower(c) - 'a' + 10;
            if (value > Long.MAX_VALUE - inc) {
                o2.put((int) value);
                return DONE;
            }
            value += inc;
            return MORE;
        }
        o2.put((int) value);
        return DONE_AT;
    }

    /** The end of the document inside a named reference: written as ClamAV flushes it. */
    void finishEntity() {
        if (entLen == 0) return;
        int e = entity(ent, entLen);
        if (e >= 0) out.putU16(e, false);
        else {
            o2.put('&');
            for (int i = 0; i < entLen; i++) o2.put(lower(ent[i] & 0xFF));
        }
    }
}

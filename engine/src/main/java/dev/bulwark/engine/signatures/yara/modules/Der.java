package dev.bulwark.engine.signatures.yara.modules;

/**
 * A small bounded reader of DER (ASN.1 distinguished encoding) over a byte range: one element at a time, definite
 * lengths only, every length checked against the enclosing element. Malformed input gives {@code null}, never an
 * exception or a read outside the range.
 */
final class Der {
    static final int SEQUENCE = 0x30, SET = 0x31, INTEGER = 0x02, OID = 0x06, OCTET_STRING = 0x04;
    static final int UTC_TIME = 0x17, GENERALIZED_TIME = 0x18;

    /** One element: tag byte, the range of its contents, and the range of the whole encoding. */
    record Tlv(int tag, int start, int end, int headerStart) {
        int length() {
            return end - start;
        }
    }

    private final byte[] d;
    private int pos;
    private final int end;

    Der(byte[] d, int start, int end) {
        this.d = d;
        this.pos = start;
        this.end = Math.min(end, d.length);
    }

    /** A reader over the contents of {@code t}. */
    Der inside(Tlv t) {
        return new Der(d, t.start(), t.end());
    }

    boolean more() {
        return pos < end;
    }

    /** Reads the next element, or null when the encoding is malformed, uses a multi-byte tag or overruns the range. */
    Tlv next() {
        int p = pos, header = pos;
        if (p + 2 > end) return null;
        int tag = d[p++] & 0xFF;
        if ((tag & 0x1F) == 0x1F) return null; // high tag numbers never occur in the structures read here
        int len = d[p++] & 0xFF;
        if (len >= 0x80) {
            int n = len & 0x7F;
            if (n == 0 || n > 4 || p + n > end) return null; // indefinite or absurd lengths
            long l = 0;
            for (int i = 0; i < n; i++) l = l << 8 | (d[p++] & 0xFF);
            if (l > end - p) return null;
            len = (int) l;
        }
        if (len > end - p) return null;
        pos = p + len;
        return new Tlv(tag, p, p + len, header);
    }

    /** Reads the next element if it has the given tag. */
    Tlv next(int tag) {
        int save = pos;
        Tlv t = next();
        if (t == null || t.tag() != tag) {
            pos = save;
            return null;
        }
        return t;
    }

    byte[] data() {
        return d;
    }

    /** Dotted form of an OBJECT IDENTIFIER's contents, or null when malformed. */
    String oid(Tlv t) {
        if (t == null || t.tag() != OID || t.length() == 0 || t.length() > 64) return null;
        StringBuilder sb = new StringBuilder();
        long v = 0;
        boolean first = true;
        for (int i = t.start(); i < t.end(); i++) {
            int b = d[i] & 0xFF;
            if (v > (Long.MAX_VALUE >> 8)) return null;
            v = v << 7 | (b & 0x7F);
            if ((b & 0x80) != 0) continue;
            if (first) {
                long a = Math.min(v / 40, 2);
                sb.append(a).append('.').append(v - 40 * a);
                first = false;
            } else sb.append('.').append(v);
            v = 0;
        }
        return (d[t.end() - 1] & 0x80) != 0 ? null : sb.toString();
    }

    /** Seconds since the epoch of a UTCTime / GeneralizedTime, or null. */
    Long time(Tlv t) {
        if (t == null || t.tag() != UTC_TIME && t.tag() != GENERALIZED_TIME) return null;
        String s = new String(d, t.start(), t.length(), java.nio.charset.StandardCharsets.ISO_8859_1);
        try {
            int i = 0;
            int year;
            if (t.tag() == UTC_TIME) {
                year = Integer.parseInt(s.substring(0, 2));
                year += year < 50 ? 2000 : 1900;
                i = 2;
            } else {
                year = Integer.parseInt(s.substring(0, 4));
                i = 4;
            }
            int mon = Integer.parseInt(s.substring(i, i + 2)), day = Integer.parseInt(s.substring(i + 2, i + 4));
            int h = Integer.parseInt(s.substring(i + 4, i + 6)), min = Integer.parseInt(s.substring(i + 6, i + 8));
            int sec = s.length() >= i + 10 && Character.isDigit(s.charAt(i + 8)) ? Integer.parseInt(s.substring(i + 8, i + 10)) : 0;
            return java.time.LocalDateTime.of(year, mon, day, h, min, sec).toEpochSecond(java.time.ZoneOffset.UTC);
        } catch (RuntimeException e) {
            return null; // malformed time
        }
    }
}

package dev.bulwark.engine.formats.ole2;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An OLE 1.0 "Package" object ({@code \1Ole10Native} streams, RTF {@code \objdata} of class
 * Package): total size, type, label, source path, reserved words, temporary path, then the file.
 */
public final class Ole10Native {
    private static final int MAX_LABEL = 255;

    /** The embedded file: its label and its bytes (a slice of the input). */
    public record Payload(String label, ByteBuffer data, long declaredSize) {}

    private Ole10Native() {}

    /** Parses the object; null when the structure is unusable. */
    public static Payload parse(ByteBuffer s) {
        ByteBuffer d = s.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int n = d.limit();
        if (n < 4) return null;
        long size = d.getInt(0) & 0xffffffffL;
        int p = 4;
        String label = "";
        if (n - size >= 4 || size > n) { // ClamAV's test: a header precedes the data unless the size fills the stream
            p += 2;                        // object type
            int l = p;
            p = pastNul(d, p);             // label
            if (p < 0) return null;
            label = latin1(d, l, p - 1);
            p = pastNul(d, p);             // source path
            if (p < 0) return null;
            p += 8;                        // reserved word + temporary path length
            if (p > n) return null;
            p = pastNul(d, p);             // temporary path
            if (p < 0 || p + 4 > n) return null;
            size = d.getInt(p) & 0xffffffffL;
            p += 4;
        }
        long avail = Math.min(size, n - p);
        return new Payload(label, s.slice(p, (int) avail), size);
    }

    private static int pastNul(ByteBuffer d, int p) {
        while (p < d.limit()) if (d.get(p++) == 0) return p;
        return -1;
    }

    private static String latin1(ByteBuffer d, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to && sb.length() < MAX_LABEL; i++) sb.append((char) (d.get(i) & 0xff));
        return sb.toString();
    }
}

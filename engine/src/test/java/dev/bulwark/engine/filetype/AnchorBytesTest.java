package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The anchored search of mostly-text layers against the byte-by-byte one: a heap buffer of mostly plain text
 * is searched by anchors (other data byte by byte), a direct buffer with the same bytes byte by byte; the
 * hits (types, offsets, ends, order, caps) must be the same.
 */
class AnchorBytesTest {
    private static final byte[][] MARKERS = {
        ascii("PK\3\4"), ascii("MSCF\0\0\0\0"), ascii("Rar!\u001a\u0007\0"), HexFormat.of().parseHex("60ea0102030405060701" + "02"),
        HexFormat.of().parseHex("a3484bbe986c4aa9994c530a86d6487d4155332145413035"),
        HexFormat.of().parseHex("efbeadde4e756c6c736f6674496e7374"), msi(), ascii("\1CD001"), ascii("CD001"),
        ascii("7z\u00bc\u00af\u0027\u001c"), ascii("MZ"), ascii("PE\0\0"), ascii("\u00e9t\u00e9"), ascii("\0"), ascii("\u00ea")};

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] msi() {
        byte[] m = new byte[EmbeddedTypeFinder.ISMSI_LEN];
        System.arraycopy(ascii("InstallShield\0"), 0, m, 0, 14);
        m[EmbeddedTypeFinder.ISMSI_FIXED] = 6;
        m[EmbeddedTypeFinder.ISMSI_FIXED + 16 + 4] = 1;
        return m;
    }

    private static List<EmbeddedTypeFinder.Hit> classic(byte[] b, int maxFiles) {
        ByteBuffer direct = ByteBuffer.allocateDirect(b.length).put(b).flip();
        return EmbeddedTypeFinder.find(direct, false, maxFiles);
    }

    private static byte[] withMarkers(Random r, int n, int markers, boolean text) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (!text ? r.nextInt(256) : r.nextInt(12) == 0 ? '\n' : 0x20 + r.nextInt(0x5f));
        for (int k = 0; k < markers && n > 0; k++) {
            byte[] m = MARKERS[r.nextInt(MARKERS.length)];
            int len = r.nextInt(5) == 0 ? r.nextInt(m.length + 1) : m.length; // sometimes cut short
            int at = r.nextInt(n);
            System.arraycopy(m, 0, b, at, Math.min(len, n - at));
            if (r.nextInt(6) == 0 && at + len < n) b[at + r.nextInt(len + 1)] ^= 1; // sometimes spoilt
        }
        return b;
    }

    @Test
    void sameHitsAsTheByteByByteSearch() {
        Random r = new Random(5);
        int anchored = 0;
        for (int c = 0; c < 3000; c++) {
            int n = r.nextInt(4) == 0 ? r.nextInt(40) : r.nextInt(3000);
            byte[] b = withMarkers(r, n, r.nextInt(n / 200 + 2), c % 3 != 0);
            if (AnchorBytes.mostlyText(b, 0, n)) anchored++;
            int maxFiles = r.nextInt(3) == 0 ? r.nextInt(4) : 10_000;
            assertEquals(classic(b, maxFiles), EmbeddedTypeFinder.find(ByteBuffer.wrap(b), false, maxFiles), () -> "case " + HexFormat.of().formatHex(b));
        }
        assertTrue(anchored > 1200 && anchored < 2001, "searches with the text anchors: " + anchored);
    }

    @Test
    void markersAtEveryOffsetOfAShortTextOrBinary() {
        for (byte[] m : MARKERS) {
            for (int at = 0; at <= 128; at++) {
                byte[] b = new byte[64 + m.length];
                java.util.Arrays.fill(b, at <= 64 ? (byte) 'x' : (byte) 0xfe);
                int p = at % 65;
                System.arraycopy(m, 0, b, p, Math.min(m.length, b.length - p));
                byte[] cut = java.util.Arrays.copyOf(b, Math.min(b.length, p + m.length));
                for (byte[] d : new byte[][] {b, cut}) {
                    assertEquals(classic(d, 10_000), EmbeddedTypeFinder.find(ByteBuffer.wrap(d), false, 10_000));
                }
            }
        }
    }

    @Test
    void capReachedAsByTheByteByByteSearch() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 40; i++) s.append("some plain text between the markers, long enough to be text ").append(i % 3 == 0 ? "MSCF\0\0\0\0" : "PK\3\4");
        byte[] b = ascii(s.toString());
        assertTrue(AnchorBytes.mostlyText(b, 0, b.length));
        for (int maxFiles : new int[] {0, 1, 5, 12, 10_000}) {
            assertEquals(classic(b, maxFiles), EmbeddedTypeFinder.find(ByteBuffer.wrap(b), false, maxFiles));
        }
    }

    @Test
    void quietWordsAreExactlyTheTextBytes() {
        for (int c = 0; c < 256; c++) {
            byte[] w = new byte[8];
            java.util.Arrays.fill(w, (byte) 'a');
            w[c % 8] = (byte) c;
            boolean text = (c >= 0x09 && c <= 0x0d) || (c >= 0x20 && c <= 0x7e);
            assertEquals(text, AnchorBytes.quiet(w, 0), "byte " + c);
            if (AnchorBytes.RULES[c] != 0) assertFalse(text, "anchor " + c);
        }
    }
}

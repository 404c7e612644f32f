package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.CandidateFixtures;
import dev.bulwark.engine.filetype.EmbeddedCandidates;
import dev.bulwark.engine.filetype.EmbeddedTypeFinder;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.filetype.HtmlMarkers;
import dev.bulwark.engine.filetype.MailMarkers;
import dev.bulwark.engine.filetype.MarkerCandidates;
import dev.bulwark.engine.match.PatternSet;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The whole-layer marker searches over the kernel pass's candidates ({@link MarkerCandidates}: MHTML in
 * {@link MailMarkers}, the HTML tag / {@code <a } … {@code href} rules in {@link HtmlMarkers}, the UDF marker in
 * {@link EmbeddedObjects#withUdf}) against the old searches over every byte (the fallback, here the oracle): the
 * same answers on random binary and text with planted whole, broken, cut and case-varied markers, dense markers
 * beyond what is kept, markers across the kernel's 1 MiB chunk edges, heap, offset, read-only and direct buffers,
 * with foreign atoms, with resume positions, and with the set read back from its serialised form.
 */
class MarkerCandidatesTest {
    private static final String[] MIME = {"\nMIME-Version: ", "\nmime-version: ", "\nMiMe-version: ", "\nMIME-VersioN: ",
        "MIME-Version: ", "\nMIME-Version:", "\nMIME_Version: ", "\nMIME-Version: "};
    private static final String[] SECOND = {"\nContent-Type: ", "\ncontent-type: ", "\nCONTENT-TYPE: ", "\nContent-Type:", "Content-Type: "};
    private static final String[] HTML = {"<script", "<SCRIPT", "<Script", "<sCript", "<img", "<IMG", "<Img", "<iMg", "<html>",
        "<HTML", "<Html>", "<head>", "<HEAD>", "<Head", "<table", "<TABLE", "<iframe", "<IFRAME", "<object", "<OBJECT",
        "<Object", "<a ", "<A ", "<a", "<ahref", "href", "HREF", "hReF", "HrEF", "hrEF", "hreF", "<", "<sc"};
    private static final byte[] UDF = {0, 'B', 'E', 'A', '0', '1'};

    @Test
    void randomAndTextLayersGiveTheSameAnswers() throws Exception {
        Random r = new Random(20261126);
        PatternSet[] sets = sets();
        int mail = 0, html = 0, udf = 0;
        for (int round = 0; round < 500; round++) {
            byte[] data = layer(r, round);
            for (PatternSet set : sets) {
                int[] f = compare(set, data, r, "round " + round);
                mail += f[0];
                html += f[1];
                udf += f[2];
            }
        }
        assertTrue(mail > 100 && html > 200 && udf > 200, "too few markers found for the comparison to mean much: " + mail + " " + html + " " + udf);
    }

    @Test
    void chunkEdgesAndLargeLayers() throws Exception {
        Random r = new Random(5);
        PatternSet set = sets()[0];
        for (String m : new String[] {"\nMIME-Version: ", "<script", "<a ", "href", "<IMG"}) {
            for (int edge : new int[] {1 << 16, 1 << 20, 2 << 20}) {
                for (int d = -16; d <= 2; d++) {
                    byte[] data = new byte[(2 << 20) + 5000];
                    for (int i = 0; i < data.length; i++) data[i] = (byte) ('a' + r.nextInt(26));
                    put(data, edge + d, m.getBytes(StandardCharsets.ISO_8859_1));
                    if (m.startsWith("\nMIME")) put(data, edge + d + 40, "\nContent-Type: ".getBytes(StandardCharsets.ISO_8859_1));
                    if (m.equals("<a ")) put(data, edge + d + 600, "HREF".getBytes(StandardCharsets.ISO_8859_1));
                    compare(set, data, r, m.trim() + " at " + (edge + d));
                }
            }
        }
        // the UDF marker around its last accepted start and at the end of short layers
        for (int at = 32760; at <= 32772; at++) {
            byte[] data = new byte[40_000];
            put(data, at, UDF);
            compare(set, data, r, "udf at " + at);
        }
        for (int n = 0; n < 20; n++) {
            byte[] data = new byte[n];
            put(data, n - 6, UDF);
            put(data, n - 4, UDF);
            compare(set, data, r, "udf tail " + n);
        }
    }

    @Test
    void moreMarkersThanKept() throws Exception {
        PatternSet set = sets()[0];
        Random r = new Random(9);
        // 6,000 MIME-Version lines without a Content-Type near, then one with: the byte search decides
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 6000; i++) s.append("\nMIME-Version: 1.0").append(" ".repeat(1100));
        s.append("\nMIME-Version: 1.0\nContent-Type: text/html\n");
        compare(set, s.toString().getBytes(StandardCharsets.ISO_8859_1), r, "dense mime");
        // 20 broken tags, then a whole one; then 5,000 whole tags
        byte[] tags = ("<scrip ".repeat(20) + "<Script>").getBytes(StandardCharsets.ISO_8859_1);
        compare(set, tags, r, "broken tags");
        compare(set, "<img src=x>".repeat(5000).getBytes(StandardCharsets.ISO_8859_1), r, "dense tags");
        // 5,000 UDF markers in the first 32 KiB, and markers with the hit list already at the cap
        byte[] udf = new byte[40_000];
        for (int i = 0; i < udf.length; i += 7) put(udf, i, UDF);
        compare(set, udf, r, "dense udf");
        byte[] some = new byte[40_000];
        for (int i = 5; i < 20; i++) put(some, i * 1000 + i, UDF);
        put(some, 12_001, new byte[] {0, 'B', 'E', 'A', '0', '2'});
        compare(set, some, r, "udf around the cap");
    }

    /** The candidates decide: a pass over other bytes (a deliberately wrong candidate list) changes the answers. */
    @Test
    void theSearchesReadOnlyTheCandidates() throws Exception {
        PatternSet set = sets()[0];
        byte[] marked = ("x\nMIME-Version: 1.0\nContent-Type: a\n<script> <a href=x>").getBytes(StandardCharsets.ISO_8859_1);
        byte[] withUdf = new byte[100];
        put(withUdf, 40, UDF);
        for (byte[] data : new byte[][] {marked, withUdf}) {
            ByteBuffer d = ByteBuffer.wrap(data);
            EmbeddedCandidates c = new EmbeddedCandidates(d);
            assertTrue(set.scan(ByteBuffer.wrap(new byte[data.length]), 1, null, (p, o, s, e) -> -1, null, c));
            MarkerCandidates m = c.complete().markers(d);
            assertNotNull(m);
            assertNull(MailMarkers.find(d, false, m)); // MHTML only: the near-start MAIL rules still read the bytes
            assertTrue(!HtmlMarkers.find(d, m));
            assertEquals(List.of(), EmbeddedObjects.withUdf(d, List.of(), m));
        }
        assertEquals(FileType.MHTML, MailMarkers.find(ByteBuffer.wrap(marked), false, null));
        assertTrue(HtmlMarkers.find(ByteBuffer.wrap(marked), null));
        assertEquals(1, EmbeddedObjects.withUdf(ByteBuffer.wrap(withUdf), List.of(), null).size());
        // and a pass cut short leaves none
        EmbeddedCandidates cut = new EmbeddedCandidates(ByteBuffer.wrap(marked));
        assertNull(cut.markers(ByteBuffer.wrap(marked)));
    }

    /** Compares the searches over several buffer kinds; returns how many of the three found something. */
    private static int[] compare(PatternSet set, byte[] data, Random r, String what) {
        byte[] padded = new byte[data.length + 13];
        System.arraycopy(data, 0, padded, 7, data.length);
        ByteBuffer[] buffers = {
            ByteBuffer.wrap(data), ByteBuffer.wrap(padded, 7, data.length).slice(), ByteBuffer.wrap(data).asReadOnlyBuffer(),
            ByteBuffer.allocateDirect(data.length).put(data).flip(),
        };
        ByteBuffer heap = ByteBuffer.wrap(data);
        FileType mailAll = MailMarkers.find(heap, true, null), mhtml = MailMarkers.find(heap, false, null);
        boolean html = HtmlMarkers.find(heap, null);
        List<EmbeddedTypeFinder.Hit> prior = priorHits(r, data.length);
        List<EmbeddedTypeFinder.Hit> udf = EmbeddedObjects.withUdf(heap, prior, null);
        for (ByteBuffer d : buffers) {
            String w = what + ", " + d;
            MarkerCandidates m = candidates(set, d, r).markers(d);
            assertNotNull(m, w);
            assertEquals(mailAll, MailMarkers.find(d, true, m), w + ": mail");
            assertEquals(mhtml, MailMarkers.find(d, false, m), w + ": mhtml");
            assertEquals(html, HtmlMarkers.find(d, m), w + ": html");
            assertEquals(udf, EmbeddedObjects.withUdf(d, prior, m), w + ": udf");
        }
        return new int[] {mhtml != null ? 1 : 0, html ? 1 : 0, udf.size() > prior.size() ? 1 : 0};
    }

    /** Hits the finder may already have: none, a few, or the cap's worth. */
    private static List<EmbeddedTypeFinder.Hit> priorHits(Random r, int n) {
        int k = switch (r.nextInt(4)) {
            case 0, 1 -> 0;
            case 2 -> 1 + r.nextInt(5);
            default -> EmbeddedTypeFinder.MAX_OBJECTS - r.nextInt(2);
        };
        List<EmbeddedTypeFinder.Hit> hits = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int at = r.nextInt(Math.max(1, n));
            hits.add(new EmbeddedTypeFinder.Hit(FileType.ZIPSFX, at, at + 4));
        }
        hits.sort((a, b) -> Integer.compare(a.end(), b.end()));
        return List.copyOf(hits);
    }

    /** A raw pass over d (see {@link CandidateFixtures#candidates}). */
    private static EmbeddedCandidates candidates(PatternSet set, ByteBuffer d, Random r) {
        return CandidateFixtures.candidates(set, d, r).complete();
    }

    /** Sets with the built-in atoms: plain, with patterns sharing atoms with the markers and foreign atoms, read back. */
    private static PatternSet[] sets() throws Exception {
        return CandidateFixtures.sets(new String[] {"3c736372697074", "0a4d494d45", "68726566", "0042454130", "202020", "65727369", "3c6120", "000000"},
                new byte[][] {"<scr".getBytes(StandardCharsets.ISO_8859_1), hex("0a4d"),
            "href".getBytes(StandardCharsets.ISO_8859_1)});
    }

    /** Random binary, text or zero-filled data of 0..40,000 bytes with planted (sometimes broken or cut) markers. */
    private static byte[] layer(Random r, int round) {
        byte[] d = CandidateFixtures.background(r, round, 40, 600);
        int n = d.length;
        int plants = r.nextInt(round % 7 == 0 ? 300 : 10);
        for (int k = 0; k < plants && n > 0; k++) {
            int at = r.nextInt(n);
            byte[] m = switch (r.nextInt(4)) {
                case 0 -> MIME[r.nextInt(MIME.length)].getBytes(StandardCharsets.ISO_8859_1);
                case 1 -> SECOND[r.nextInt(SECOND.length)].getBytes(StandardCharsets.ISO_8859_1);
                case 2 -> HTML[r.nextInt(HTML.length)].getBytes(StandardCharsets.ISO_8859_1);
                default -> UDF;
            };
            if (m == UDF && r.nextBoolean()) at = r.nextInt(Math.min(n, 33_000));
            if (r.nextInt(6) == 0) m = java.util.Arrays.copyOf(m, 1 + r.nextInt(m.length));
            else if (r.nextInt(6) == 0) { m = m.clone(); m[r.nextInt(m.length)] ^= 0x20; }
            put(d, at, m);
            if (m.length > 8 && m[0] == '\n' && m[1] != 'C' && r.nextBoolean()) { // a second part in or out of the gap
                put(d, at + m.length + r.nextInt(1100), SECOND[r.nextInt(SECOND.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        return d;
    }

    /** Writes what fits of m at at. */
    private static void put(byte[] d, int at, byte[] m) {
        for (int k = 0; k < m.length && at + k < d.length; k++) if (at + k >= 0) d[at + k] = m[k];
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}

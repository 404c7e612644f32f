package dev.bulwark.engine.filetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.match.PatternSet;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The embedded-type search over the kernel pass's candidates ({@link EmbeddedCandidates}) against the search
 * over every byte ({@link EmbeddedTypeFinder#find(ByteBuffer, boolean, int)}, the fallback, here the oracle):
 * the same hits in the same order with the same caps, on random data and text with planted (whole, broken and
 * truncated) magic, dense magic that reaches the cap, more candidates than are kept, magic across the finder's
 * 64 KiB and the kernel's 1 MiB chunks, through heap, offset, read-only and direct buffers, with and without a
 * foreign engine's atoms in the index, with resume positions (weak matches) that would make the kernel skip, and
 * with the set written to and read back from a snapshot.
 */
class EmbeddedCandidatesTest {
    private static final byte[][] MAGIC = {
        hex("504b0304"), hex("4d53434600000000"), hex("526172211a0700"), hex("377abcaf271c"),
        hex("a3484bbe986c4aa9994c530a86d6487d41553321454135"), hex("a3484bbe986c4aa9994c530a86d6487d41553321454136"),
        hex("efbeadde4e756c6c736f6674496e7374"), hex("60ea0000000000000002"), hex("60ea00000000000000010203"),
    };
    private static final int[] MAX_FILES = {0, 1, 3, 10, 10_000};

    @Test
    void randomAndTextLayersGiveTheSameHits() throws Exception {
        Random r = new Random(20261126);
        PatternSet[] sets = sets();
        int compared = 0, hits = 0;
        for (int round = 0; round < 400; round++) {
            byte[] data = layer(r, round);
            for (PatternSet set : sets) {
                for (boolean pe : new boolean[] {true, false}) {
                    int maxFiles = MAX_FILES[r.nextInt(MAX_FILES.length)];
                    hits += compare(set, data, pe, maxFiles, r, "round " + round);
                    compared++;
                }
            }
        }
        assertTrue(hits > 2000, "too few hits for the comparison to mean much: " + hits + " in " + compared);
    }

    @Test
    void chunkBoundariesAndLargeLayers() throws Exception {
        Random r = new Random(5);
        PatternSet set = sets()[0];
        byte[] data = new byte[(1 << 20) * 2 + 70_000];
        r.nextBytes(data);
        // every magic straddling or ending at the finder's 64 KiB and the kernel's 1 MiB chunk edges
        int k = 0;
        for (int edge : new int[] {1 << 16, 2 << 16, 3 << 16, 1 << 20, 2 << 20}) {
            for (int d = -12; d <= 2; d += 2) put(data, edge + d - (k % 3), MAGIC[k++ % MAGIC.length]);
        }
        putIso(data, (1 << 20) - 1000, 2100);
        putMsi(data, (1 << 16) - 5);
        putPe(data, (2 << 20) - 150, 120);
        for (int maxFiles : MAX_FILES) {
            for (boolean pe : new boolean[] {true, false}) compare(set, data, pe, maxFiles, r, "large");
        }
    }

    @Test
    void moreCandidatesThanKeptFallsBackOrStopsAtTheCap() throws Exception {
        PatternSet set = sets()[0];
        Random r = new Random(9);
        // 100,000 "MZ" (candidates, no hits without PE) then real magic: the byte-by-byte search must decide
        byte[] mz = "MZ".repeat(100_000).getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = cat(mz, MAGIC[2], "xx".getBytes(StandardCharsets.ISO_8859_1), MAGIC[0], new byte[10]);
        for (boolean pe : new boolean[] {true, false}) {
            for (int maxFiles : MAX_FILES) {
                EmbeddedCandidates c = candidates(set, ByteBuffer.wrap(data), r);
                assertTrue(c.overflow(), "expected more candidates than kept");
                List<EmbeddedTypeFinder.Hit> got = EmbeddedTypeFinder.find(ByteBuffer.wrap(data), pe, maxFiles, c);
                assertEquals(EmbeddedTypeFinder.find(ByteBuffer.wrap(data), pe, maxFiles), got);
                assertFalse(got.isEmpty());
            }
        }
        // 80,000 ZIP headers: the cap is reached within the kept candidates
        byte[] zips = new byte[4 * 80_000];
        for (int i = 0; i < zips.length; i += 4) put(zips, i, MAGIC[0]);
        for (int maxFiles : MAX_FILES) compare(set, zips, false, maxFiles, r, "dense zip");
    }

    /** Compares the two searches over several buffer kinds; returns the number of hits found. */
    private static int compare(PatternSet set, byte[] data, boolean pe, int maxFiles, Random r, String what) {
        int found = 0;
        byte[] padded = new byte[data.length + 13];
        System.arraycopy(data, 0, padded, 7, data.length);
        ByteBuffer[] buffers = {
            ByteBuffer.wrap(data), ByteBuffer.wrap(padded, 7, data.length).slice(), ByteBuffer.wrap(data).asReadOnlyBuffer(),
            ByteBuffer.allocateDirect(data.length).put(data).flip(),
        };
        List<EmbeddedTypeFinder.Hit> want = EmbeddedTypeFinder.find(ByteBuffer.wrap(data), pe, maxFiles);
        for (ByteBuffer d : buffers) {
            EmbeddedCandidates c = candidates(set, d, r);
            boolean usable = c.usable(d) && !c.overflow();
            List<EmbeddedTypeFinder.Hit> got = EmbeddedTypeFinder.find(d, pe, maxFiles, c);
            assertEquals(want, got, what + ", " + d + ", pe " + pe + ", maxFiles " + maxFiles);
            if (!usable && c.count() < EmbeddedCandidates.MAX) throw new AssertionError(what + ": candidates not used");
            found = got.size();
        }
        return found;
    }

    /** A raw pass over d (see {@link CandidateFixtures#candidates}). */
    private static EmbeddedCandidates candidates(PatternSet set, ByteBuffer d, Random r) {
        return CandidateFixtures.candidates(set, d, r).complete();
    }

    /** Sets with the built-in atoms: plain, with patterns sharing their atoms, with foreign atoms, read back from a snapshot. */
    private static PatternSet[] sets() throws Exception {
        return CandidateFixtures.sets(new String[] {"504b0304", "4d5a9000", "0011223344", "6162636465", "2e2e2e2e", "50450000", "41414141", "000000"},
                new byte[][] {hex("504b"), hex("4d534346"), hex("20202020")});
    }

    /** Random binary, text or zero-filled data of 0..40,000 bytes with planted magic. */
    private static byte[] layer(Random r, int round) {
        byte[] d = CandidateFixtures.background(r, round, 16, 300);
        int n = d.length;
        int plants = r.nextInt(round % 7 == 0 ? 200 : 12);
        for (int k = 0; k < plants && n > 0; k++) {
            int at = r.nextInt(n);
            switch (r.nextInt(8)) {
                case 0 -> putIso(d, at, 2030 + r.nextInt(430));
                case 1 -> putMsi(d, at);
                case 2, 3 -> putPe(d, at, 50 + r.nextInt(270));
                case 4 -> put(d, at, "MZ".getBytes(StandardCharsets.ISO_8859_1));
                default -> {
                    byte[] m = MAGIC[r.nextInt(MAGIC.length)];
                    // sometimes broken or cut short
                    if (r.nextInt(5) == 0) m = java.util.Arrays.copyOf(m, 1 + r.nextInt(m.length));
                    else if (r.nextInt(5) == 0) { m = m.clone(); m[r.nextInt(m.length)] ^= 1; }
                    put(d, at, m);
                }
            }
        }
        return d;
    }

    private static void putPe(byte[] d, int at, int gap) {
        put(d, at, new byte[] {'M', 'Z'});
        put(d, at + 2 + gap, new byte[] {'P', 'E', 0, 0});
    }

    private static void putIso(byte[] d, int at, int gap) {
        put(d, at, hex("014344303031"));
        put(d, at + 6 + gap, "CD001".getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void putMsi(byte[] d, int at) {
        put(d, at, "InstallShield\0".getBytes(StandardCharsets.ISO_8859_1));
        int f = at + EmbeddedTypeFinder.ISMSI_FIXED;
        put(d, f, new byte[] {6, 0, 0, 0, 0, 0, 0, 0});
        put(d, f + 16, new byte[] {0, 0, 0, 0, 1});
    }

    /** Writes what fits of m at at. */
    private static void put(byte[] d, int at, byte[] m) {
        for (int k = 0; k < m.length && at + k < d.length; k++) if (at + k >= 0) d[at + k] = m[k];
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}

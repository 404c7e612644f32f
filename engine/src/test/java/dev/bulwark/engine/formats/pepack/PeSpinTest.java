package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(600) // hang guard only
class PeSpinTest {
    static byte[] data() {
        byte[] d = new byte[0x1000];
        byte[] s = "PESpin synthetic .data section, compressed with aPLib; ".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 6; i++) System.arraycopy(s, 0, d, i * 0x111, s.length);
        return d;
    }

    static byte[] rsrc() {
        byte[] r = new byte[0x1000];
        for (int i = 0; i < SyntheticSpin.RES_PLAIN; i++) r[i] = (byte) (0xa0 + i);
        for (int i = 0x100; i < 0x180; i++) r[i] = (byte) (i % 9);
        return r;
    }

    static byte[] synthetic() {
        return SyntheticSpin.build(SyntheticPackersTest.payload(), data(), rsrc());
    }

    private static byte[] unpack(byte[] file) {
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        return ctx.extracted().get(0).data();
    }

    @Test
    void clamPespinExe() {
        byte[] file = Samples.read("clam-pespin.exe");
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        assertTrue(PeSpin.matches(ByteBuffer.wrap(file), h));
        byte[] out = unpack(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(h.sections() - 1, u.sections(), "loader section dropped");
    }

    @Test
    void syntheticUnpacksToItsSections() {
        byte[] out = unpack(synthetic());
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(3, u.sections());
        assertEquals(0x200, u.rawSize(0), ".text stored");
        assertEquals(0x1000, u.rawSize(1), ".data grown");
        assertEquals(0x1000, u.rawSize(2), ".rsrc grown");
        byte[] text = Arrays.copyOf(SyntheticPackersTest.payload(), 0x200);
        assertArrayEquals(text, Arrays.copyOfRange(out, (int) u.rawPointer(0), (int) u.rawPointer(0) + 0x200));
        assertArrayEquals(data(), Arrays.copyOfRange(out, (int) u.rawPointer(1), (int) u.rawPointer(1) + 0x1000));
        assertArrayEquals(rsrc(), Arrays.copyOfRange(out, (int) u.rawPointer(2), (int) u.rawPointer(2) + 0x1000));
    }

    @Test
    void sameBytesAsClamav(@TempDir Path tmp) throws Exception {
        byte[] ours = unpack(Samples.read("clam-pespin.exe"));
        AspackTest.assertSameAfterHeaders(ClamavUnpacked.rebuilt(Samples.DIR.resolve("clam-pespin.exe"), tmp), ours);
        Path syn = tmp.resolve("syn-pespin.exe");
        Files.write(syn, synthetic());
        byte[] theirs = ClamavUnpacked.rebuilt(syn, tmp);
        assertTrue(theirs != null, "clamscan unpacks the synthetic file");
        AspackTest.assertSameAfterHeaders(theirs, unpack(synthetic()));
    }

    @Test
    void damagedFilesNeitherThrowNorHang() {
        byte[] syn = synthetic();
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, syn);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, syn);
        Contract.flips(new PeUnpackExtractor(), FileType.MSEXE, syn, 5);
        byte[] real = Samples.read("clam-pespin.exe");
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, real);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, real);
        Contract.flips(new PeUnpackExtractor(), FileType.MSEXE, real, 13);
    }

    @Test
    void wrongVersionOrChecksum() {
        byte[] f = synthetic();
        int ep = 0x800 + SyntheticSpin.EP_DELTA;
        byte[] g = f.clone();
        g[ep + 0xe1] ^= 1; // layer-1 length is not 0x11fe
        assertNull(PeSpin.unpack(ByteBuffer.wrap(g), PeHeaders.parse(ByteBuffer.wrap(g)), 1 << 24));
        byte[] h = f.clone();
        h[0x100] ^= 1; // a header byte under the checksum: the section key is wrong, .data no longer decompresses
        assertNull(PeSpin.unpack(ByteBuffer.wrap(h), PeHeaders.parse(ByteBuffer.wrap(h)), 1 << 24));
    }

    /** Damaged variants: clamscan and we rebuild the same file, or neither does. */
    @Test
    void damagedVariantsAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2027);
        byte[] syn = synthetic();
        byte[] real = Samples.read("clam-pespin.exe");
        int ep = 0x800 + SyntheticSpin.EP_DELTA;
        // sections, the loader's keys and bitmaps, its poly routines, the resource pointer
        int[][] regions = {{0x200, 0x800}, {ep + 0x3207, ep + 0x321b}, {ep + 0x1fe5, ep + 0x31e3}, {ep + 0x2d5, ep + 0x875}};
        int unpacked = 0;
        for (int k = 0; k < 40; k++) {
            boolean useReal = k % 4 == 3;
            byte[] v = (useReal ? real : syn).clone();
            int[] r = useReal ? new int[] {0x400, real.length} : regions[k % regions.length];
            int at = r[0] + rnd.nextInt(r[1] - r[0]);
            v[at] ^= (byte) (1 << rnd.nextInt(8));
            Path f = tmp.resolve("v" + k + ".exe");
            Files.write(f, v);
            byte[] theirs = ClamavUnpacked.rebuilt(f, tmp);
            byte[] ours = PeSpin.unpack(ByteBuffer.wrap(v), PeHeaders.parse(ByteBuffer.wrap(v)), 1 << 24);
            assertEquals(theirs != null, ours != null, "variant " + k + " (bit flipped at 0x" + Integer.toHexString(at) + ")");
            if (ours != null) {
                AspackTest.assertSameAfterHeaders(theirs, ours);
                unpacked++;
            }
        }
        System.out.println("PESpin variants rebuilt by both: " + unpacked + " of 40");
        assertTrue(unpacked > 0 && unpacked < 40, "the variants cover both outcomes: " + unpacked + " unpacked");
    }
}

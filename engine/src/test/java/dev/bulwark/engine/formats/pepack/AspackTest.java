package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.Samples;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(600) // hang guard only
class AspackTest {
    /** Our own stub and informational header fields end here; the section table and data must match ClamAV's. */
    private static final int OWN_HEADERS = 0x1c8;

    static byte[] payload() {
        byte[] p = SyntheticPackersTest.payload();
        byte[] call = {(byte) 0xe8, 0x10, 0x20, 0, 0, (byte) 0xe9, (byte) 0xf0, (byte) 0xff, (byte) 0xff, (byte) 0xff};
        byte[] out = Arrays.copyOf(p, 0x200);
        System.arraycopy(call, 0, out, 0x120, call.length);
        return out;
    }

    private static byte[] unpack(byte[] file) {
        return Unpacked.image(file, null);
    }

    @Test
    void clamAspackExe() {
        byte[] file = Samples.read("clam-aspack.exe");
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        assertEquals(Aspack.Version.V212, Aspack.version(ByteBuffer.wrap(file), h));
        byte[] out = unpack(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(h.sections() - 2, u.sections(), ".aspack and .adata dropped");
        assertEquals(0x1000, u.rva(0));
        assertEquals(0x400, u.rawPointer(0));
    }

    @Test
    void syntheticUnpacksToThePayload() {
        byte[] f = SyntheticAspack.aspack(payload(), 0x1010);
        byte[] out = unpack(f);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(1, u.sections(), "packer sections removed");
        assertEquals(0x1010, u.entryRva, "original entry point");
        long text = u.rvaToOffset(SyntheticPe.TEXT_RVA);
        byte[] expect = Arrays.copyOf(payload(), SyntheticAspack.ASPACK_BLOCK);
        assertArrayEquals(expect, Arrays.copyOfRange(out, (int) text, (int) text + expect.length));
    }

    /** The three layouts (2.12, between 2.12 and 2.42 with 12-byte block entries, 2.42) unpack as clamscan unpacks them. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Aspack.Version.class)
    void everyVersionAsClamscan(Aspack.Version v, @TempDir Path tmp) throws Exception {
        byte[] f = SyntheticAspack.aspack(v, payload(), 0x1010);
        assertEquals(v, Aspack.version(ByteBuffer.wrap(f), PeHeaders.parse(ByteBuffer.wrap(f))));
        byte[] ours = unpack(f);
        long text = PeHeaders.parse(ByteBuffer.wrap(ours)).rvaToOffset(SyntheticPe.TEXT_RVA);
        byte[] expect = Arrays.copyOf(payload(), SyntheticAspack.ASPACK_BLOCK);
        assertArrayEquals(expect, Arrays.copyOfRange(ours, (int) text, (int) text + expect.length));
        Path file = tmp.resolve("syn-" + v + ".exe");
        Files.write(file, f);
        byte[] theirs = ClamavUnpacked.rebuilt(file, tmp);
        assertNotNull(theirs, "clamscan unpacks it");
        assertSameAfterHeaders(theirs, ours);
    }

    /** ClamAV keeps its rebuilt file with --leave-temps: ours has the same layout and the same bytes after the headers. */
    @Test
    void sameBytesAsClamav(@TempDir Path tmp) throws Exception {
        byte[] ours = unpack(Samples.read("clam-aspack.exe"));
        List<Path> theirs = ClamavUnpacked.files("clam-aspack.exe", ours.length, tmp);
        assertEquals(1, theirs.size(), "ClamAV's unpacked file among " + theirs);
        assertSameAfterHeaders(Files.readAllBytes(theirs.get(0)), ours);
    }

    @Test
    void clamscanUnpacksTheSyntheticFileToTheSameBytes(@TempDir Path tmp) throws Exception {
        byte[] f = SyntheticAspack.aspack(payload(), 0x1010);
        Path file = tmp.resolve("syn-aspack.exe");
        Files.write(file, f);
        byte[] ours = unpack(f);
        List<Path> theirs = ClamavUnpacked.files(file.toString(), ours.length, tmp).stream().filter(p -> !p.equals(file)).toList();
        assertEquals(1, theirs.size(), "clamscan's unpacked file of " + ours.length + " bytes");
        assertSameAfterHeaders(Files.readAllBytes(theirs.get(0)), ours);
    }

    @Test
    void damagedFilesNeitherThrowNorHang() {
        byte[] f = SyntheticAspack.aspack(payload(), 0x1010);
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, f);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, f);
        Contract.flips(new PeUnpackExtractor(), FileType.MSEXE, f, 7);
        byte[] real = Samples.read("clam-aspack.exe");
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, real);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, real);
        Contract.flips(new PeUnpackExtractor(), FileType.MSEXE, real, 11);
    }

    @Test
    void notAspack() {
        byte[] f = SyntheticAspack.aspack(payload(), 0x1010);
        f[SyntheticAspack.ASPACK_RAW + 1 + 0x3b9] = 0x69; // no "push; ret" where any version has it
        assertNull(Aspack.version(ByteBuffer.wrap(f), PeHeaders.parse(ByteBuffer.wrap(f))));
        byte[] g = SyntheticAspack.aspack(payload(), 0x1010);
        ByteBuffer.wrap(g).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(SyntheticAspack.ASPACK_RAW + SyntheticAspack.ASPACK_BLOCKS + 8, 0x1000);
        assertNotNull(Aspack.version(ByteBuffer.wrap(g), PeHeaders.parse(ByteBuffer.wrap(g))));
        // a second block entry without a size: the list does not end with a zero RVA, so nothing is unpacked
        assertNull(Aspack.unpack(ByteBuffer.wrap(g), PeHeaders.parse(ByteBuffer.wrap(g)), 1 << 20));
    }

    /**
     * Damaged variants (a flipped bit in the compressed stream, the block list, the tables or the entry
     * code): clamscan and we both rebuild the same file, or neither does.
     */
    @Test
    void damagedVariantsAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(2026);
        byte[] syn = SyntheticAspack.aspack(payload(), 0x1010);
        byte[] real = Samples.read("clam-aspack.exe");
        int a = SyntheticAspack.ASPACK_RAW;
        // regions: compressed data, entry code, block list, stuff and slot widths (synthetic), whole sections (real)
        int[][] regions = {{SyntheticPe.TEXT_RAW, SyntheticPe.TEXT_RAW + 0x180}, {a + 1, a + 9}, {a + SyntheticAspack.ASPACK_BLOCKS,
                a + SyntheticAspack.ASPACK_BLOCKS + 16}, {a + SyntheticAspack.ASPACK_STUFF, a + SyntheticAspack.ASPACK_STUFF + 0x72}};
        int unpacked = 0;
        for (int k = 0; k < 48; k++) {
            boolean useReal = k % 3 == 2;
            byte[] v = (useReal ? real : syn).clone();
            int[] r = useReal ? new int[] {0x400, 0xc00 + 0x800} : regions[k % regions.length];
            int at = r[0] + rnd.nextInt(r[1] - r[0]);
            v[at] ^= (byte) (1 << rnd.nextInt(8));
            Path f = tmp.resolve("v" + k + ".exe");
            Files.write(f, v);
            byte[] theirs = ClamavUnpacked.rebuilt(f, tmp);
            byte[] ours = Aspack.unpack(ByteBuffer.wrap(v), PeHeaders.parse(ByteBuffer.wrap(v)), 1 << 24);
            String what = "variant " + k + " (bit flipped at 0x" + Integer.toHexString(at) + ")";
            assertEquals(theirs != null, ours != null, what + ": unpacked by clamscan / by us");
            if (ours != null) {
                assertSameAfterHeaders(theirs, ours);
                unpacked++;
            }
        }
        System.out.println("ASPack variants rebuilt by both: " + unpacked + " of 48");
        assertTrue(unpacked > 0 && unpacked < 48, "the variants cover both outcomes: " + unpacked + " unpacked");
    }

    static void assertSameAfterHeaders(byte[] clam, byte[] ours) {
        assertEquals(clam.length, ours.length, "size");
        assertTrue(Arrays.equals(clam, OWN_HEADERS, clam.length, ours, OWN_HEADERS, ours.length), "bytes after the headers");
        // header fields that describe the layout: sections, entry point, base, image and header sizes
        ByteBuffer c = ByteBuffer.wrap(clam).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        ByteBuffer o = ByteBuffer.wrap(ours).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int pe = c.getInt(0x3c);
        assertEquals(pe, o.getInt(0x3c));
        for (int off : new int[] {6, 24 + 16, 24 + 28, 24 + 32, 24 + 36, 24 + 56, 24 + 60}) {
            assertEquals(c.getInt(pe + off) & (off == 6 ? 0xffff : -1), o.getInt(pe + off) & (off == 6 ? 0xffff : -1), "PE field +" + off);
        }
    }
}

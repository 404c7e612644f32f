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
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Petite 2.x: ClamAV's test file and files built from scratch, unpacked as clamscan unpacks them, and robust when damaged. */
@Timeout(600) // hang guard only
class PetiteTest {
    private static final String SAMPLE = "clam-petite.exe";
    /** The DOS header and stub are the one part of the rebuilt file that is ours, not ClamAV's (RebuiltPe). */
    private static final int PE_HEADER = 0xd0;

    private static byte[] unpacked(byte[] file) {
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("(Petite unpacked)", ctx.extracted().get(0).info().name());
        return ctx.extracted().get(0).data();
    }

    @Test
    void clamPetiteExe() {
        byte[] file = Samples.read(SAMPLE);
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        assertTrue(Petite.matches(ByteBuffer.wrap(file), h));
        byte[] image = unpacked(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(image));
        assertEquals(3, u.sections(), "three sections recovered, the packer's dropped");
        assertEquals(0x1020, u.entryRva, "original entry point decrypted");
        assertTrue(indexOf(image, new byte[] {'P', 'K', 3, 4}) > 0, "the payload (a zip holding clam.exe) is decompressed");
    }

    @Test
    void clamPetiteExeIsRobust() {
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, Samples.read(SAMPLE));
    }

    /** ClamAV keeps its rebuilt file with --leave-temps: ours must be the same bytes from the PE header on. */
    @Test
    void sameBytesAsClamav(@TempDir Path tmp) throws Exception {
        byte[] ours = unpacked(Samples.read(SAMPLE));
        List<Path> theirs = ClamavUnpacked.files(SAMPLE, ours.length, tmp);
        assertEquals(1, theirs.size(), "ClamAV's rebuilt file among " + theirs);
        assertSameButStub(Files.readAllBytes(theirs.get(0)), ours);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void syntheticUnpacksToThePayload(boolean mangled) {
        byte[] payload = SyntheticPackersTest.payload();
        byte[] f = SyntheticPetite.build(payload, 0x1010, mangled);
        byte[] out = unpacked(f);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(1, u.sections(), "only .text comes back");
        assertEquals(SyntheticPetite.TEXT_RVA, u.rva(0));
        assertEquals(payload.length, u.rawSize(0), "the loader stub is cut off");
        long text = u.rawPointer(0);
        assertArrayEquals(payload, Arrays.copyOfRange(out, (int) text, (int) text + payload.length));
        if (!mangled) assertEquals(0x1010, u.entryRva, "original entry point");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void syntheticIsRobust(boolean mangled) {
        byte[] f = SyntheticPetite.build(SyntheticPackersTest.payload(), 0x1010, mangled);
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, f);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clamscanUnpacksSyntheticToTheSameBytes(boolean mangled, @TempDir Path tmp) throws Exception {
        byte[] f = SyntheticPetite.build(SyntheticPackersTest.payload(), 0x1010, mangled);
        Path file = tmp.resolve("syn-petite.exe");
        Files.write(file, f);
        byte[] ours = unpacked(f);
        List<Path> theirs = ClamavUnpacked.files(file.toString(), ours.length, tmp).stream().filter(p -> !p.equals(file)).toList();
        assertEquals(1, theirs.size(), "clamscan's rebuilt file of " + ours.length + " bytes among " + theirs);
        assertSameButStub(Files.readAllBytes(theirs.get(0)), ours);
    }

    /** Petite 2.1: the table in the section before the last, the entry point key not rotated; clamscan rebuilds the same. */
    @Test
    void petite21(@TempDir Path tmp) throws Exception {
        byte[] payload = SyntheticPackersTest.payload();
        byte[] f = SyntheticPetite.build(payload, 0x1010, true, 0, true);
        byte[] out = unpacked(f);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(1, u.sections());
        assertEquals(payload.length, u.rawSize(0), "the 2.1 loader stub is cut off");
        assertEquals(0x1010, u.entryRva, "original entry point");
        long text = u.rawPointer(0);
        assertArrayEquals(payload, Arrays.copyOfRange(out, (int) text, (int) text + payload.length));
        Path file = tmp.resolve("syn-petite21.exe");
        Files.write(file, f);
        List<Path> theirs = ClamavUnpacked.files(file.toString(), out.length, tmp).stream().filter(p -> !p.equals(file)).toList();
        assertEquals(1, theirs.size(), "clamscan's rebuilt file of " + out.length + " bytes among " + theirs);
        assertSameButStub(Files.readAllBytes(theirs.get(0)), out);
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, f);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, f);
    }

    /** A table entry that asks for far more data than the image holds, and one that loops over the image, fail cleanly. */
    @Test
    void lyingTableEntries() {
        byte[] f = SyntheticPetite.build(SyntheticPackersTest.payload(), 0x1010, true);
        int t = SyntheticPetite.PACK_RAW + 0x1b8;
        for (int[] lie : new int[][] {{t, 0xffffffff}, {t, 0x8fffffff}, {t + 16, 0x7fffffff}, {t + 16, 0x10000},
                {t + 20, 0x7ffff000}, {t + 4, 0x80000000}, {t + 8, -1}}) {
            byte[] b = f.clone();
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(lie[0], lie[1]);
            PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(b));
            assertNull(Petite.unpack(ByteBuffer.wrap(b), h, 1L << 26), Integer.toHexString(lie[0]) + "=" + Integer.toHexString(lie[1]));
            Contract.run(new PeUnpackExtractor(), FileType.MSEXE, b);
        }
    }

    /**
     * Moves that do nothing still cost: a table of them is bounded by the work limit (8 bytes per image
     * byte, at least 1 MiB), where a table within it still unpacks.
     */
    @Test
    void workIsBounded() {
        byte[] payload = SyntheticPackersTest.payload();
        byte[] within = SyntheticPetite.build(payload, 0x1010, false, 100); // 100 x 8 KiB moved
        assertTrue(Petite.unpack(ByteBuffer.wrap(within), PeHeaders.parse(ByteBuffer.wrap(within)), 1L << 26) != null);
        byte[] beyond = SyntheticPetite.build(payload, 0x1010, false, 200); // 200 x 8 KiB
        assertNull(Petite.unpack(ByteBuffer.wrap(beyond), PeHeaders.parse(ByteBuffer.wrap(beyond)), 1L << 26));
    }

    /** A budget smaller than the memory image means no unpacking, not a partial image. */
    @Test
    void budgetBoundsTheImage() {
        byte[] f = Samples.read(SAMPLE);
        assertNull(Petite.unpack(ByteBuffer.wrap(f), PeHeaders.parse(ByteBuffer.wrap(f)), 0x4000));
    }

    private static void assertSameButStub(byte[] theirs, byte[] ours) {
        assertEquals(theirs.length, ours.length);
        byte[] a = theirs.clone(), b = ours.clone();
        Arrays.fill(a, 0, PE_HEADER, (byte) 0);
        Arrays.fill(b, 0, PE_HEADER, (byte) 0);
        assertArrayEquals(a, b);
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}

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
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Upack: ClamAV's test file (the 3-section 0.39 layout), damaged copies of it, and clamscan's verdicts on them. */
@Timeout(600) // hang guard only
class UpackTest {
    static byte[] unpacked(byte[] file) {
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("(Upack unpacked)", ctx.extracted().get(0).info().name());
        return ctx.extracted().get(0).data();
    }

    @Test
    void clamUpackExe(@TempDir Path tmp) throws Exception {
        byte[] file = Samples.read("clam-upack.exe");
        assertTrue(Upack.matches(ByteBuffer.wrap(file), PeHeaders.parse(ByteBuffer.wrap(file))));
        byte[] ours = unpacked(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(ours));
        assertEquals(1, u.sections(), "one section for the decoded image");
        assertEquals(0x1000, u.rva(0));
        // the payload is a ZIP-SFX holding clam.exe: its local header must be in the decoded bytes
        assertTrue(new String(ours, java.nio.charset.StandardCharsets.ISO_8859_1).contains("PK\u0003\u0004"));
        MewTest.assertSameImage(MewTest.clamav(tmp, "clam-upack.exe", file, ours.length), ours);
    }

    /** Synthetic 2-section Upack files (1.1/1.2 and 0.39): we and clamscan rebuild the same image holding the payload. */
    @ParameterizedTest
    @ValueSource(strings = {"1.1", "0.39"})
    void syntheticTwoSections(String version, @TempDir Path tmp) throws Exception {
        byte[] payload = SyntheticPackersTest.payload();
        byte[] file = version.equals("1.1") ? SyntheticPe.upack11(payload, 0x1010) : SyntheticPe.upack039(payload, 0x1010);
        byte[] ours = unpacked(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(ours));
        assertEquals(0x1010, u.entryRva);
        long text = u.rvaToOffset(SyntheticPe.TEXT_RVA);
        assertArrayEquals(payload, Arrays.copyOfRange(ours, (int) text, (int) text + payload.length));
        MewTest.assertSameImage(MewTest.clamav(tmp, "syn-upack" + version + ".exe", file, ours.length), ours);
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, file);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, file);
        Contract.flips(new PeUnpackExtractor(), FileType.MSEXE, file, version.hashCode());
    }

    @Test
    void truncatedDamagedAndLyingCopies() {
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, Samples.read("clam-upack.exe"));
    }

    /** Stub parameters and LZMA data changed (test file, synthetic 2-section files): clamscan and we agree on each copy. */
    @Test
    void sameVerdictsAsClamscanOnMutants(@TempDir Path tmp) throws Exception {
        byte[] clam = Samples.read("clam-upack.exe");
        Map<String, byte[]> files = new TreeMap<>();
        files.put("clam-upack.exe", clam);
        files.putAll(BodyVerdicts.mutants("clam-upack-head", clam, 0, 0x200, 30, 5));
        files.putAll(BodyVerdicts.mutants("clam-upack-data", clam, 0x200, clam.length, 40, 6));
        byte[] v11 = SyntheticPe.upack11(SyntheticPackersTest.payload(), 0x1010);
        byte[] v039 = SyntheticPe.upack039(SyntheticPackersTest.payload(), 0x1010);
        files.put("syn-upack11.exe", v11);
        files.put("syn-upack039.exe", v039);
        files.putAll(BodyVerdicts.mutants("syn-upack11", v11, 0x100, 0x800, 20, 7));
        files.putAll(BodyVerdicts.mutants("syn-upack039", v039, 0x400, 0xa00, 20, 8));
        int detected = BodyVerdicts.assertSame(tmp, files);
        assertTrue(detected >= 2 && detected < files.size(), "mutants both detected and not: " + detected + "/" + files.size());
    }

    @Test
    void lyingParametersFailCleanly() {
        byte[] file = Samples.read("clam-upack.exe");
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        // the entry code's "mov esi, params" pointing past the image: recognised, but nothing to unpack
        byte[] f = file.clone();
        long ep = ClamSections.of(ByteBuffer.wrap(f), h).rawAddress(h.entryRva);
        ByteBuffer.wrap(f).order(ByteOrder.LITTLE_ENDIAN).putInt((int) ep + 1, 0x7ffff000);
        PeHeaders h2 = PeHeaders.parse(ByteBuffer.wrap(f));
        assertTrue(Upack.matches(ByteBuffer.wrap(f), h2));
        assertNull(Upack.unpack(ByteBuffer.wrap(f), h2, 1 << 24));
        // a budget smaller than the image: refused before anything is allocated
        assertNull(Upack.unpack(ByteBuffer.wrap(file), h, 0x1000));
    }
}

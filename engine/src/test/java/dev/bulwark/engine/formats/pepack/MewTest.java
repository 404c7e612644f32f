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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** MEW 11 SE: ClamAV's test file and synthetic files (LZ regions, LZMA, LZMA with the call filter). */
@Timeout(600) // hang guard only
class MewTest {
    static byte[] unpacked(byte[] file) {
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("(MEW unpacked)", ctx.extracted().get(0).info().name());
        return ctx.extracted().get(0).data();
    }

    /**
     * ClamAV's rebuilt files and ours have the same layout and the same bytes from the section table on; the
     * DOS stub and the informational header fields before it are our own ({@link AspackTest#assertSameAfterHeaders}).
     */
    static void assertSameImage(byte[] theirs, byte[] ours) {
        AspackTest.assertSameAfterHeaders(theirs, ours);
    }

    static byte[] clamav(Path tmp, String name, byte[] file, int size) throws Exception {
        Path p = tmp.resolve(name);
        Files.write(p, file);
        List<Path> theirs = ClamavUnpacked.files(p.toString(), size, tmp).stream().filter(x -> !x.equals(p)).toList();
        assertEquals(1, theirs.size(), "ClamAV's unpacked file of " + size + " bytes among " + theirs);
        return Files.readAllBytes(theirs.get(0));
    }

    @Test
    void clamMewExe(@TempDir Path tmp) throws Exception {
        byte[] file = Samples.read("clam-mew.exe");
        assertTrue(Mew.matches(ByteBuffer.wrap(file), PeHeaders.parse(ByteBuffer.wrap(file))));
        byte[] ours = unpacked(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(ours));
        assertEquals(5, u.sections(), "one section per compressed region");
        assertEquals(0x1020, u.entryRva, "original entry point");
        assertSameImage(clamav(tmp, "clam-mew.exe", file, ours.length), ours);
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, file);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void syntheticMew(int lzma, @TempDir Path tmp) throws Exception {
        byte[] payload = SyntheticPackersTest.payload();
        if (lzma == 2) { // calls for the filter to turn around
            payload[0x80] = (byte) 0xe8;
            payload[0x90] = (byte) 0xe9;
        }
        byte[] file = SyntheticPe.mew(payload, 0x1010, lzma);
        byte[] ours = unpacked(file);
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(ours));
        assertEquals(0x1010, u.entryRva);
        long text = u.rvaToOffset(SyntheticPe.TEXT_RVA);
        assertArrayEquals(payload, Arrays.copyOfRange(ours, (int) text, (int) text + payload.length));
        assertSameImage(clamav(tmp, "syn-mew" + lzma + ".exe", file, ours.length), ours);
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, file);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, file);
        Contract.flips(new PeUnpackExtractor(), FileType.MSEXE, file, lzma);
    }

    /** The test file and the synthetic ones with damaged packer data: clamscan and we find the body in the same ones. */
    @Test
    void sameVerdictsAsClamscanOnMutants(@TempDir Path tmp) throws Exception {
        java.util.Map<String, byte[]> files = new java.util.TreeMap<>();
        byte[] clam = Samples.read("clam-mew.exe");
        files.put("clam-mew.exe", clam);
        files.putAll(BodyVerdicts.mutants("clam-mew", clam, 0x154, 0x618, 40, 11));
        for (int lzma = 0; lzma <= 2; lzma++) {
            byte[] f = SyntheticPe.mew(SyntheticPackersTest.payload(), 0x1010, lzma);
            files.put("syn-mew" + lzma + ".exe", f);
            files.putAll(BodyVerdicts.mutants("syn-mew" + lzma, f, 0x400, 0x600, 20, lzma));
        }
        int detected = BodyVerdicts.assertSame(tmp, files);
        assertTrue(detected >= 4 && detected < files.size(), "mutants both detected and not: " + detected + "/" + files.size());
    }

    /**
     * LZMA blocks that each rewrite the whole first section: a few are decoded, but more than four
     * buffers' worth of output is refused (ClamAV would decode them all), so the work stays bounded.
     */
    @Test
    void repeatedBlocksAreBounded() {
        byte[] zeros = new byte[0x1000];
        byte[] few = SyntheticPe.mew(zeros, 0x1010, 1, 4), many = SyntheticPe.mew(zeros, 0x1010, 1, 60);
        assertTrue(Mew.unpack(ByteBuffer.wrap(few), PeHeaders.parse(ByteBuffer.wrap(few)), 1 << 20) != null);
        assertNull(Mew.unpack(ByteBuffer.wrap(many), PeHeaders.parse(ByteBuffer.wrap(many)), 1 << 20));
    }

    @Test
    void lyingTablePointersFailCleanly() {
        byte[] file = SyntheticPe.mew(SyntheticPackersTest.payload(), 0x1010, 1);
        ByteBuffer o = ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int table = 0x400 + 0x10;
        for (int field : new int[] {8, 12}) { // first destination, then the LZ stream's first bytes
            byte[] f = file.clone();
            ByteBuffer.wrap(f).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(table + field, 0x7fffffff);
            PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(f));
            Mew.unpack(ByteBuffer.wrap(f), h, 1 << 20); // must return, whatever it returns
        }
        o.putInt(SyntheticPe.MEW_PARAMS + 1, 0x400000 + 0x2000 + 0x3fc); // table beyond the raw offset bound
        assertNull(Mew.unpack(ByteBuffer.wrap(file), PeHeaders.parse(ByteBuffer.wrap(file)), 1 << 20));
    }
}

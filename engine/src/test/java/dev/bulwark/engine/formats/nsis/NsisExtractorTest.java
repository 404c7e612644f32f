package dev.bulwark.engine.formats.nsis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(300) // hang guard only
class NsisExtractorTest {
    private static final byte[] SCRIPT = Samples.wordSoup(3000, 1);
    private static final byte[] FILE1 = Samples.wordSoup(20000, 2);
    private static final byte[] FILE2 = "MZ second file".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @ParameterizedTest
    @CsvSource({"STORED,false", "ZLIB,false", "LZMA,false", "ZLIB,true", "LZMA,true"})
    void everyBlockBecomesAChild(NsisBuilder.Comp comp, boolean solid) {
        byte[] a = NsisBuilder.archive(comp, solid, SCRIPT, FILE1, new byte[0], FILE2);
        assertEquals(solid, NsisExtractor.isSolid(java.nio.ByteBuffer.wrap(a, 28, a.length - 28).slice(), false));
        RecordingContext ctx = RecordingContext.defaults();
        new NsisExtractor().extract(TestLayer.of(a, FileType.NULSFT), ctx);
        List<RecordingContext.Child> c = ctx.extracted();
        assertEquals(3, c.size(), ctx.notes().toString());
        assertArrayEquals(SCRIPT, c.get(0).data());
        assertEquals(FileType.BINARY_DATA, c.get(0).info().typeHint(), "script header is scanned raw");
        assertArrayEquals(FILE1, c.get(1).data());
        assertNull(c.get(1).info().typeHint());
        assertArrayEquals(FILE2, c.get(2).data());
        assertEquals("content.003", c.get(2).info().name());
        assertEquals(List.of(), ctx.notes());
    }

    @ParameterizedTest
    @CsvSource({"ZLIB,false", "LZMA,false", "LZMA,true", "ZLIB,true"})
    void contract(NsisBuilder.Comp comp, boolean solid) {
        byte[] a = NsisBuilder.archive(comp, solid, Arrays.copyOf(SCRIPT, 300), Arrays.copyOf(FILE1, 700), FILE2);
        Contract.all(new NsisExtractor(), FileType.NULSFT, a);
    }

    @Test
    void lyingArchiveAndBlockSizes() {
        byte[] a = NsisBuilder.archive(NsisBuilder.Comp.LZMA, false, SCRIPT, FILE1);
        byte[] big = a.clone();
        big[0x18] = big[0x19] = big[0x1a] = (byte) 0xff; // archive size far beyond the data
        RecordingContext ctx = Contract.run(new NsisExtractor(), FileType.NULSFT, big);
        assertTrue(ctx.notes().get(0).contains("truncated"), ctx.notes().toString());
        assertEquals(2, ctx.extracted().size(), "blocks still read up to the real end");
        // a block size word pointing past the end stops the chain with a note, no allocation
        byte[] lie = a.clone();
        lie[28] = lie[29] = lie[30] = (byte) 0xff;
        ctx = Contract.run(new NsisExtractor(), FileType.NULSFT, lie);
        assertEquals(0, ctx.extracted().size());
    }

    /**
     * (fuzz16) Non-solid blocks share one LZMA dictionary: 60 tiny LZMA blocks each declaring 128 MiB (capped to the
     * 4 MiB scan size here) allocated 60 dictionaries before (240 MB, past Contract's bound; 1,000 such blocks, 18 KB,
     * took two minutes under the default limits). Also a NsisFuzzTest seed (nonsolid-lzma-128m-dictionaries).
     */
    @Test
    void nonSolidLzmaBlocksShareOneDictionary() {
        int n = 60;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(28 + n * 18 + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0).put(new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde}).put("NullsoftInst".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putInt(1000).putInt(b.capacity());
        for (int i = 0; i < n; i++) b.putInt(0x80000000 | 14).put((byte) 0x5d).putInt(128 << 20).put(new byte[9]);
        RecordingContext ctx = Contract.run(new NsisExtractor(), FileType.NULSFT, b.array());
        assertEquals(n, ctx.children().size(), ctx.notes().toString());
    }

    @Test
    void clamNsisExe() {
        byte[] exe = Samples.read("clam-nsis.exe");
        int magic = Samples.indexOf(exe, "NullsoftInst".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] nulsft = Arrays.copyOfRange(exe, magic - 8, exe.length);
        RecordingContext ctx = RecordingContext.defaults();
        new NsisExtractor().extract(TestLayer.of(nulsft, FileType.NULSFT), ctx);
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        assertEquals(0x1105, ctx.extracted().get(0).data().length, "script header size from the first header");
        Samples.assertClamExe(ctx.extracted().get(1).data());
        Contract.all(new NsisExtractor(), FileType.NULSFT, nulsft);
    }

}

package dev.bulwark.engine.formats.cab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Quantum folders: libmspack's one genuine sample, and cabinets from our test compressor
 * ({@link QuantumEncoder}) checked against cabextract, which decodes Quantum with libmspack's
 * independent implementation; plus the robustness contract on damaged ones.
 */
@Timeout(600) // hang guard only
class QuantumDecoderTest {
    static byte[] resource(String name) {
        try (InputStream in = QuantumDecoderTest.class.getResourceAsStream("libmspack/" + name)) {
            return in.readAllBytes();
        } catch (IOException | NullPointerException e) {
            throw new AssertionError("test resource " + name, e);
        }
    }

    static RecordingContext run(byte[] cab) {
        RecordingContext ctx = RecordingContext.defaults();
        new CabExtractor().extract(TestLayer.of(cab, FileType.MSCAB), ctx);
        return ctx;
    }

    /** Text, random bytes, long zero runs, every byte value and a block repeated far back: every selector and slot range. */
    static byte[] mixed(int size, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[] out = new byte[size];
        int p = 0;
        while (p < size) {
            int n = Math.min(size - p, 200 + rnd.nextInt(6000));
            switch (rnd.nextInt(5)) {
                case 0 -> System.arraycopy(Samples.wordSoup(n, rnd.nextLong()), 0, out, p, n);
                case 1 -> { for (int i = 0; i < Math.min(n, 1500); i++) out[p + i] = (byte) rnd.nextInt(256); }
                case 2 -> { } // zeros: matches of the longest length
                case 3 -> { for (int i = 0; i < n; i++) out[p + i] = (byte) (i * 31 + (i >> 8)); }
                default -> {
                    if (p > 0) {
                        int from = rnd.nextInt(p);
                        for (int i = 0; i < n; i++) out[p + i] = out[from + i % (p - from)];
                    }
                }
            }
            p += n;
        }
        return out;
    }

    @Test
    void libmspackSample() throws Exception {
        byte[] cab = resource("mszip_lzx_qtm.cab");
        RecordingContext ctx = run(cab);
        assertEquals(3, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("qtm.txt", ctx.extracted().get(2).info().name());
        assertEquals("If you can read this, the Quantum decompressor is working!\n",
                new String(ctx.extracted().get(2).data(), StandardCharsets.US_ASCII));
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
        Contract.all(new CabExtractor(), FileType.MSCAB, cab);
    }

    /** The cabinet that once hung libmspack (CVE-2014-9556): it ends without a hang or an exception. */
    @Test
    void libmspackInfiniteLoopSample() {
        Contract.all(new CabExtractor(), FileType.MSCAB, resource("cve-2014-9556-qtm-infinite-loop.cab"));
    }

    @ParameterizedTest
    @CsvSource({"10, 70000, 1", "12, 40000, 2", "15, 150000, 3", "18, 250000, 4", "21, 300000, 5"})
    void sameBytesAsCabextract(int windowBits, int size, long seed, @TempDir Path dir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("clam.exe", Samples.read("clam.exe"));
        files.put("mixed.bin", mixed(size, seed));
        files.put("tail.txt", Samples.wordSoup(777, seed));
        byte[] cab = QuantumCab.build(files, windowBits);
        assertExtractsLikeCabextract(cab, files, dir);
    }

    /** Matches coded only through one selector each (3-byte, 4-byte, variable), so that each one's models evolve far. */
    @ParameterizedTest
    @ValueSource(ints = {4, 5, 6})
    void eachMatchSelectorAlone(int sel, @TempDir Path dir) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("mixed.bin", mixed(120_000, 10 + sel));
        byte[] cab = QuantumCab.build(files, 16, new QuantumEncoder(16, sel == 4, sel == 5, sel == 6));
        assertExtractsLikeCabextract(cab, files, dir);
    }

    private static void assertExtractsLikeCabextract(byte[] cab, Map<String, byte[]> files, Path dir) throws Exception {
        Files.write(dir.resolve("q.cab"), cab);
        Path x = Files.createDirectories(dir.resolve("x"));
        Tools.run(x, null, "cabextract", "-q", dir.resolve("q.cab").toString());
        RecordingContext ctx = run(cab);
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
        List<RecordingContext.Child> got = ctx.extracted();
        assertEquals(files.size(), got.size());
        int i = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            byte[] theirs = Files.readAllBytes(x.resolve(e.getKey()));
            assertArrayEquals(e.getValue(), theirs, "cabextract decodes our compressor's " + e.getKey());
            assertArrayEquals(theirs, got.get(i++).data(), e.getKey());
        }
    }

    /** clamscan (libmspack inside) and our engine both find the test executable's body in a Quantum folder. */
    @Test
    void clamscanAgrees(@TempDir Path dir) throws Exception {
        Tools.requireTool("clamscan");
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("mixed.bin", mixed(50_000, 3));
        files.put("clam.exe", Samples.read("clam.exe"));
        Path cab = dir.resolve("q.cab"), ndb = dir.resolve("t.ndb");
        Files.write(cab, QuantumCab.build(files, 15));
        Files.writeString(ndb, "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n");
        Process p = new ProcessBuilder("clamscan", "--no-summary", "-d", ndb.toString(), cab.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("ClamAV-Test-Body.UNOFFICIAL FOUND"), out);
        Engine engine = Engine.load(List.of(ndb), LoadOptions.defaults());
        assertTrue(engine.scan(cab, ScanOptions.defaults()).infected());
        // and not from the packed bytes: with archives off neither finds it
        assertTrue(!engine.scan(cab, ScanOptions.defaults().withParser(ScanOptions.Parser.ARCHIVE, false)).infected());
    }

    @Test
    void contractOnSyntheticQuantum() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("clam.exe", Samples.read("clam.exe"));
        files.put("mixed.bin", mixed(3000, 7));
        byte[] cab = QuantumCab.build(files, 10);
        Samples.assertClamExe(run(cab).extracted().get(0).data());
        Contract.all(new CabExtractor(), FileType.MSCAB, cab);
    }

    /** A folder of many frames with damage in each block decodes, fails or stops within the limits. */
    @Test
    void contractOnManyFrames() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("mixed.bin", mixed(200_000, 8));
        Contract.flips(new CabExtractor(), FileType.MSCAB, QuantumCab.build(files, 21), 99);
    }

    @Test
    void decoderRejectsBadParameters() throws Exception {
        assertThrows(IOException.class, () -> new QuantumDecoder(9));
        assertThrows(IOException.class, () -> new QuantumDecoder(22));
        QuantumDecoder d = new QuantumDecoder(10);
        d.setInput(ByteBuffer.allocate(0));
        assertThrows(IOException.class, () -> d.decodeFrame(new byte[QuantumDecoder.FRAME + 1], QuantumDecoder.FRAME + 1));
        // an empty block: the 0xFF and zeros a cabinet reader supplies run out, and that is an error, not a hang
        assertThrows(IOException.class, () -> d.decodeFrame(new byte[QuantumDecoder.FRAME], QuantumDecoder.FRAME));
    }

    /** A zero-filled block is a valid stream of some bytes; a frame that ends early is cut, never overrun. */
    @Test
    void blockOfZeros() throws Exception {
        QuantumDecoder d = new QuantumDecoder(21);
        d.setInput(ByteBuffer.allocate(40000));
        byte[] out = new byte[QuantumDecoder.FRAME];
        try {
            assertEquals(QuantumDecoder.FRAME, d.decodeFrame(out, QuantumDecoder.FRAME));
        } catch (IOException expected) {
            // a match past the frame or the input's end: either is a clean failure
        }
    }
}

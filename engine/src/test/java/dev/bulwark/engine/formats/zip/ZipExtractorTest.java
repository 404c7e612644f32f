package dev.bulwark.engine.formats.zip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZOutputStream;

@Timeout(300) // hang guard only
class ZipExtractorTest {
    private final ZipExtractor zip = new ZipExtractor();

    static RecordingContext extract(byte[] data, RecordingContext ctx) {
        new ZipExtractor().extract(TestLayer.of(data, FileType.ZIP), ctx);
        return ctx;
    }

    @Test
    void clamZipMetadataMatchesWhatClamAvCdbSees() {
        byte[] z = Samples.read("clam.zip");
        assertEquals(404, z.length);
        RecordingContext ctx = extract(z, RecordingContext.defaults());
        assertEquals(1, ctx.children().size());
        RecordingContext.Child c = ctx.children().get(0);
        assertEquals(new ChildInfo("clam.exe", null, 256, 544, false, 1, c.info().crc32()), c.info());
        Samples.assertClamExe(c.data());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(c.data());
        assertEquals(crc.getValue(), c.info().crc32());
    }

    @ParameterizedTest
    @ValueSource(strings = {"clam.zip", "clam.bz2.zip", "clam.d64.zip", "clam.impl.zip"})
    void extractsClamExeFromEveryZipTestFile(String file) {
        RecordingContext ctx = extract(Samples.read(file), RecordingContext.defaults());
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
        assertEquals(file.equals("clam.impl.zip") ? "CLAM.EXE" : "clam.exe", ctx.extracted().get(0).info().name());
    }

    static byte[] clamExe() { return Samples.read("clam.exe"); }

    static byte[] deflate(byte[] plain) {
        Deflater d = new Deflater(9, true);
        d.setInput(plain);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) o.write(buf, 0, d.deflate(buf));
        d.end();
        return o.toByteArray();
    }

    interface Enc { OutputStream wrap(OutputStream o) throws IOException; }

    static byte[] encode(byte[] plain, Enc enc) throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (OutputStream s = enc.wrap(o)) {
            s.write(plain);
        }
        return o.toByteArray();
    }

    static byte[] zipLzma(byte[] plain) throws IOException {
        LZMA2Options opt = new LZMA2Options();
        opt.setDictSize(1 << 16);
        byte[] body = encode(plain, o -> new LZMAOutputStream(o, opt, true));
        int props = (opt.getPb() * 5 + opt.getLp()) * 9 + opt.getLc();
        byte[] h = {9, 20, 5, 0, (byte) props, 0, 0, 1, 0};
        byte[] all = Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** One archive with every method we can encode here, each member a copy of clam.exe. */
    static byte[] allMethods() throws IOException {
        byte[] exe = clamExe();
        return new ZipBuilder()
                .stored("stored.exe", exe)
                .add("deflate.exe", 8, 0, deflate(exe), exe)
                .add("bzip2.exe", 12, 0, encode(exe, BZip2CompressorOutputStream::new), exe)
                .add("lzma.exe", 14, 2, zipLzma(exe), exe)
                .add("zstd.exe", 93, 0, encode(exe, ZstdOutputStream::new), exe)
                .add("xz.exe", 95, 0, encode(exe, o -> new XZOutputStream(o, new LZMA2Options())), exe)
                .finish(true);
    }

    /**
     * (fuzz16) LZMA members (end-marker flag, so the dictionary is not cut to the member's size) declaring 64 MiB
     * dictionaries share one: before, each allocated and zeroed its own (10 here: 640 MB, past Contract's bound;
     * 300 in a 33 KB zip took 2.4 s CPU, 10,000 would take over a minute). Members decode byte-exact from a
     * dictionary the previous one left dirty. Also a ZipFuzzTest seed (lzma-64m-dictionaries).
     */
    @Test
    void lzmaMembersShareOneDictionary() throws IOException {
        ZipBuilder zb = new ZipBuilder();
        byte[][] plain = new byte[10][];
        for (int i = 0; i < plain.length; i++) {
            plain[i] = Samples.wordSoup(3000 - 200 * i, i);
            byte[] packed = zipLzma(plain[i]);
            packed[5] = 0; packed[6] = 0; packed[7] = 0; packed[8] = 4; // dictionary: 64 MiB
            zb.add("m" + i, 14, 2, packed, plain[i]);
        }
        RecordingContext ctx = Contract.run(zip, FileType.ZIP, zb.finish(true));
        assertEquals(plain.length, ctx.extracted().size(), ctx.notes().toString());
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], ctx.extracted().get(i).data(), "m" + i);
    }

    @Test
    void everyEncodableMethodRoundTrips() throws IOException {
        RecordingContext ctx = extract(allMethods(), RecordingContext.defaults());
        assertEquals(6, ctx.extracted().size(), ctx.notes().toString());
        for (int i = 0; i < 6; i++) {
            Samples.assertClamExe(ctx.extracted().get(i).data());
            assertEquals(i + 1, ctx.extracted().get(i).info().position());
        }
        assertEquals("lzma.exe", ctx.extracted().get(3).info().name());
    }

    @Test
    void localHeaderWalkWhenCentralDirectoryIsMissing() throws IOException {
        byte[] whole = allMethods();
        byte[] cut = Arrays.copyOf(whole, new ZipBuilder().stored("a", new byte[0]).size() > 0 ? indexOfCentral(whole) : 0);
        RecordingContext ctx = extract(cut, RecordingContext.defaults());
        assertEquals(6, ctx.extracted().size(), ctx.notes().toString());
        for (RecordingContext.Child c : ctx.extracted()) Samples.assertClamExe(c.data());
    }

    static int indexOfCentral(byte[] z) {
        for (int i = 0; i + 4 <= z.length; i++) if (z[i] == 'P' && z[i + 1] == 'K' && z[i + 2] == 1 && z[i + 3] == 2) return i;
        throw new AssertionError("no central directory");
    }

    @Test
    void streamedZipWithDataDescriptorsAndNoCentralDirectory() throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(o)) {
            for (String n : new String[] {"one.exe", "two.exe"}) {
                z.putNextEntry(new ZipEntry(n));
                z.write(clamExe());
                z.closeEntry();
            }
        }
        byte[] full = o.toByteArray();
        for (byte[] input : new byte[][] {full, Arrays.copyOf(full, indexOfCentral(full))}) {
            RecordingContext ctx = extract(input, RecordingContext.defaults());
            assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
            for (RecordingContext.Child c : ctx.extracted()) Samples.assertClamExe(c.data());
            assertEquals("two.exe", ctx.extracted().get(1).info().name());
        }
    }

    @Test
    void sfxStubBeforeTheArchive() {
        byte[] z = Samples.read("clam.zip");
        byte[] stub = new byte[4096];
        Arrays.fill(stub, (byte) 'M');
        byte[] sfx = new byte[stub.length + z.length];
        System.arraycopy(stub, 0, sfx, 0, stub.length);
        System.arraycopy(z, 0, sfx, stub.length, z.length);
        RecordingContext ctx = extract(sfx, RecordingContext.defaults());
        assertEquals(1, ctx.extracted().size());
        Samples.assertClamExe(ctx.extracted().get(0).data());
    }

    @Test
    void zip64ArchiveFromCommonsCompress() throws IOException {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (var z = new org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream(o)) {
            z.setUseZip64(org.apache.commons.compress.archivers.zip.Zip64Mode.Always);
            var e = new org.apache.commons.compress.archivers.zip.ZipArchiveEntry("big/clam.exe");
            z.putArchiveEntry(e);
            z.write(clamExe());
            z.closeArchiveEntry();
        }
        RecordingContext ctx = extract(o.toByteArray(), RecordingContext.defaults());
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
    }

    @Test
    void encryptedMemberIsAnnouncedAndAlertsOnlyWhenAsked() {
        byte[] exe = clamExe();
        byte[] z = new ZipBuilder().add("secret.exe", 0, 1, exe, exe).finish(true);
        RecordingContext quiet = extract(z, RecordingContext.defaults());
        assertEquals(1, quiet.children().size());
        assertTrue(quiet.children().get(0).announced());
        assertTrue(quiet.children().get(0).info().encrypted());
        assertTrue(quiet.heuristics().isEmpty());
        RecordingContext loud = extract(z, new RecordingContext(ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, true)));
        assertEquals(java.util.List.of("Heuristics.Encrypted.Zip"), loud.heuristics());
    }

    @Test
    void unsupportedMethodIsAnnouncedNotDropped() {
        byte[] z = new ZipBuilder().add("ppmd.bin", 98, 0, new byte[] {1, 2, 3, 4}, new byte[10]).finish(true);
        RecordingContext ctx = extract(z, RecordingContext.defaults());
        assertEquals(1, ctx.children().size());
        assertTrue(ctx.children().get(0).announced());
        assertEquals("ppmd.bin", ctx.children().get(0).info().name());
    }

    /** Stored members each containing the headers after it and a shared deflate kernel (Fifield-style). */
    static byte[] overlappingBomb(int members, int kernelZeros) {
        byte[] kernel = deflate(new byte[kernelZeros]);
        byte[][] headers = new byte[members][];
        ZipBuilder sizing = new ZipBuilder();
        int total = kernel.length;
        for (int i = members - 1; i >= 0; i--) {
            boolean last = i == members - 1;
            ZipBuilder.Entry e = new ZipBuilder.Entry("f" + i, last ? 8 : 0, 0, new byte[total], last ? kernelZeros : total, 0, 0);
            headers[i] = sizing.local(e);
            total += headers[i].length;
        }
        ZipBuilder b = new ZipBuilder();
        int off = 0, remaining = total;
        for (int i = 0; i < members; i++) {
            boolean last = i == members - 1;
            int csize = remaining - headers[i].length;
            b.central(new ZipBuilder.Entry("f" + i, last ? 8 : 0, 0, new byte[csize], last ? kernelZeros : csize, 0, off));
            b.raw(headers[i]);
            off += headers[i].length;
            remaining -= headers[i].length;
        }
        b.raw(kernel);
        return b.finish(true);
    }

    @Test
    void overlappingEntryBombStopsWithHeuristic() {
        byte[] bomb = overlappingBomb(1000, 1 << 20);
        RecordingContext ctx = extract(bomb, RecordingContext.small());
        assertEquals(java.util.List.of("Heuristics.Zip.OverlappingFiles"), ctx.heuristics());
        assertTrue(ctx.extracted().isEmpty());
        RecordingContext off = extract(bomb, new RecordingContext(ScanOptions.defaults().withHeuristicAlerts(false)));
        assertTrue(off.heuristics().isEmpty());
        assertTrue(off.extracted().isEmpty());
        assertTrue(off.notes().stream().anyMatch(n -> n.contains("overlapping")));
    }

    @Test
    void fewOverlapsAreToleratedLikeClamAv() {
        byte[] bomb = overlappingBomb(4, 1000);
        RecordingContext ctx = extract(bomb, RecordingContext.defaults());
        assertTrue(ctx.heuristics().isEmpty());
        assertEquals(4, ctx.extracted().size());
        assertEquals(1000, ctx.extracted().get(3).data().length);
    }

    @Test
    void hundredThousandEntriesStopAtMaxFiles() {
        ZipBuilder b = new ZipBuilder();
        byte[] one = {'x'};
        for (int i = 0; i < 100_000; i++) b.stored("e" + i, one);
        byte[] z = b.finish(true);
        RecordingContext ctx = extract(z, RecordingContext.defaults());
        assertEquals(Limits.DEFAULTS.maxFiles() - 1, ctx.extracted().size());
        assertTrue(ctx.stopped());
        RecordingContext all = extract(z, new RecordingContext(ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxFiles(0))));
        assertEquals(100_000, all.extracted().size());
        assertEquals(100_000, all.extracted().get(99_999).info().position());
    }

    @Test
    void memberOverTheSizeLimitIsTruncatedByTheContext() {
        byte[] zeros = new byte[3 << 20];
        byte[] z = new ZipBuilder().add("zeros", 8, 0, deflate(zeros), zeros).finish(true);
        RecordingContext ctx = extract(z, RecordingContext.small());
        assertEquals(1, ctx.extracted().size());
        assertTrue(ctx.extracted().get(0).skipped());
    }

    @Test
    void lyingSizesInCentralAndLocalHeaders() {
        byte[] z = Samples.read("clam.zip").clone();
        for (int at : new int[] {18, 22}) { // local compressed / uncompressed size
            byte[] b = z.clone();
            b[at] = (byte) 0xff; b[at + 1] = (byte) 0xff; b[at + 2] = (byte) 0xff; b[at + 3] = (byte) 0x7f;
            Contract.run(zip, FileType.ZIP, b);
        }
        Contract.lyingSizes(zip, FileType.ZIP, z);
    }

    @Test
    void contractOnRealSamples() throws IOException {
        for (String f : new String[] {"clam.zip", "clam.bz2.zip", "clam.d64.zip", "clam.impl.zip"}) Contract.all(zip, FileType.ZIP, Samples.read(f));
        Contract.all(zip, FileType.ZIP, allMethods());
    }

    @Test
    void garbageAndEmptyInputs() {
        for (byte[] b : new byte[][] {{}, "PK".getBytes(StandardCharsets.US_ASCII), "PK\u0005\u0006".getBytes(StandardCharsets.US_ASCII), new byte[100]}) {
            RecordingContext ctx = Contract.run(zip, FileType.ZIP, b);
            assertFalse(ctx.children().stream().anyMatch(c -> !c.announced() && c.data().length > 0));
        }
    }

    /**
     * fuzz17 (ZipFuzzTest finding): xz's LZMAInputStream takes its dictionary before it reads the range coder's
     * first byte, and a constructor that throws there (the byte is not 0) never gave it back, so every damaged LZMA
     * member declaring 64 MiB allocated a new dictionary. The bytes are now checked before anything is allocated.
     */
    @Test
    void damagedLzmaMembersAllocateNoDictionary() {
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        for (int i = 0; i < 6; i++) {
            byte[] data = {9, 4, 5, 0, 0x5d, 0, 0, 0, 4, 9, 0, 0, 0, 0, 1, 2, 3}; // 64 MiB dictionary; range coder starts with 9
            java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(31).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            h.putInt(0x04034b50).putShort((short) 63).putShort((short) 2).putShort((short) 14).putInt(0).putInt(0)
                    .putInt(data.length).putInt(9).putShort((short) 1).putShort((short) 0).put((byte) ('a' + i));
            z.writeBytes(h.array());
            z.writeBytes(data);
        }
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        RecordingContext ctx = extract(z.toByteArray(), RecordingContext.defaults());
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertEquals(6, ctx.children().size(), ctx.notes().toString());
        assertTrue(allocated < 32L << 20, "allocated " + allocated + " bytes for six damaged LZMA members");
    }
}

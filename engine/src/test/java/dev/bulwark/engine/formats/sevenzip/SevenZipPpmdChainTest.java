package dev.bulwark.engine.formats.sevenzip;

import static dev.bulwark.engine.formats.sevenzip.SevenZipPpmdTest.EICAR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * 7z folders where PPMd is chained with a filter (ppmd14). Fixtures under {@code ppmd/chain/} were made
 * with 7-Zip 26.02 ({@code 7z a -mhc=off -m0=F -m1=PPMd:mem=1m x.7z code.bin eicar.com}, F = BCJ, ARM,
 * ARMT, PPC, SPARC, IA64, Delta:4, ARM64; and BCJ2 with PPMd on its main stream and LZMA on the call and
 * jump streams). {@code 7z a -m0=PPMd prog.exe} on a real executable gives the same folder as F = BCJ
 * ("BCJ PPMD:o6"). code.bin is {@link #code}: each filter changes some of its bytes (checked with XZ
 * for Java's encoders when the fixtures were made: x86 98, PPC 6, IA64 2, ARM 2, ARMT 3, SPARC 4, Delta 2961).
 */
@Timeout(300) // hang guard only
class SevenZipPpmdChainTest {
    /** Decoded by us: PPMd chains, and (bcj2) BCJ2 with a PPMd main stream and LZMA CALL/JUMP streams. */
    static final List<String> DECODED = List.of("bcj", "arm", "armt", "ppc", "sparc", "ia64", "delta4", "bcj2");

    /** clamscan 1.4.6 (LZMA SDK 9.20's 7zDec: BCJ, ARM, BCJ2 only) on each fixture, recorded 2026-11-27. */
    static final Map<String, Boolean> CLAMSCAN = Map.of("bcj", true, "arm", true, "bcj2", true, "armt", false, "ppc", false,
            "sparc", false, "ia64", false, "delta4", false, "arm64", false);

    /** Random bytes (seed 7) with an x86 call (E8 with a displacement below 64 KiB) every 64 bytes. */
    static byte[] code() {
        Random r = new Random(7);
        byte[] b = new byte[3072];
        r.nextBytes(b);
        for (int i = 0; i + 5 <= b.length; i += 64) {
            b[i] = (byte) 0xe8;
            b[i + 3] = 0;
            b[i + 4] = 0;
        }
        return b;
    }

    static byte[] chain(String name) { return SevenZipPpmdTest.fixture("chain/" + name + ".7z"); }

    @Test
    void filtersAfterPpmdDecodeByteExact() {
        byte[] code = code();
        for (String f : DECODED) {
            RecordingContext ctx = SevenZipPpmdTest.run(chain(f));
            assertEquals(2, ctx.extracted().size(), f + " " + ctx.notes());
            assertEquals("code.bin", ctx.extracted().get(0).info().name());
            assertArrayEquals(code, ctx.extracted().get(0).data(), f + " " + ctx.notes());
            assertEquals(EICAR, new String(ctx.extracted().get(1).data(), StandardCharsets.US_ASCII), f);
        }
    }

    @Test
    void arm64IsReportedNotDecoded() {
        RecordingContext ctx = SevenZipPpmdTest.run(chain("arm64"));
        String notes = ctx.notes().toString();
        assertTrue(notes.contains("ARM64") && notes.contains("not decoded"), notes);
        assertTrue(ctx.extracted().stream().noneMatch(c -> c.data().length > 0), notes);
    }

    /** Same verdict and name as clamscan where clamscan reads the archive; the recorded difference elsewhere. */
    @Test
    void verdictsAgainstClamscan(@TempDir Path tmp) throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest(code());
        Path ndb = tmp.resolve("e.ndb"), hdb = tmp.resolve("c.hdb");
        Files.writeString(ndb, SevenZipPpmdTest.EICAR_NDB);
        Files.writeString(hdb, HexFormat.of().formatHex(md5) + ":3072:Code-Slice\n");
        boolean clamscan = Files.isExecutable(Path.of("/usr/bin/clamscan"));
        for (Path db : List.of(ndb, hdb)) {
            Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
            String name = db == ndb ? "Eicar-Test-Signature.UNOFFICIAL" : "Code-Slice.UNOFFICIAL";
            for (Map.Entry<String, Boolean> e : CLAMSCAN.entrySet()) {
                Path p = tmp.resolve(e.getKey() + ".7z");
                Files.write(p, chain(e.getKey()));
                List<String> ours = engine.scan(p, ScanOptions.defaults()).detections().stream().map(d -> d.name()).distinct().toList();
                // ours: everything Commons Compress has a filter for, and BCJ2 (bcj2, our decoder); not ARM64
                boolean expected = DECODED.contains(e.getKey());
                assertEquals(expected ? List.of(name) : List.of(), ours, e.getKey() + " " + db.getFileName());
                if (!clamscan) continue;
                Process proc = new ProcessBuilder("clamscan", "--no-summary", "-d", db.toString(), p.toString()).redirectErrorStream(true).start();
                String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                proc.waitFor();
                assertEquals(e.getValue(), out.contains(p + ": " + name + " FOUND"), "clamscan changed on " + e.getKey() + ": " + out);
            }
        }
    }

    /**
     * Encrypted folders whose decoders Commons Compress cannot build without the password (AES under
     * PPMd, BCJ+PPMd, BCJ+LZMA; fixtures {@code ppmd/encrypted/}, 7-Zip 26.02 {@code -pX}, eicar.com):
     * Heuristics.Encrypted.7Zip when asked, nothing otherwise, as clamscan 1.4.6. Before ppmd14 all three
     * were OK with the alert on.
     */
    @Test
    void encryptedFoldersRaiseTheHeuristicAsClamscan(@TempDir Path tmp) throws Exception {
        Path ndb = tmp.resolve("e.ndb");
        Files.writeString(ndb, SevenZipPpmdTest.EICAR_NDB);
        Engine engine = Engine.load(List.of(ndb), LoadOptions.defaults());
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, true);
        boolean clamscan = Files.isExecutable(Path.of("/usr/bin/clamscan"));
        for (String f : List.of("ppmd-aes", "bcj-ppmd-aes", "bcj-lzma-aes")) {
            Path p = tmp.resolve(f + ".7z");
            Files.write(p, SevenZipPpmdTest.fixture("encrypted/" + f + ".7z"));
            assertEquals(List.of("Heuristics.Encrypted.7Zip"), engine.scan(p, alert).detections().stream().map(d -> d.name()).distinct().toList(), f);
            assertEquals(List.of(), engine.scan(p, ScanOptions.defaults()).detections(), f);
            Contract.all(new SevenZipExtractor(), FileType.SEVENZIP, Files.readAllBytes(p)); // truncation, flips, lying sizes
            if (!clamscan) continue;
            Process proc = new ProcessBuilder("clamscan", "--no-summary", "--alert-encrypted-archive=yes", "-d", ndb.toString(), p.toString())
                    .redirectErrorStream(true).start();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            proc.waitFor();
            assertTrue(out.contains(p + ": Heuristics.Encrypted.7Zip FOUND"), out);
        }
    }

    /** Rewrites header bytes at {@code at} and fixes the next-header and start-header CRCs. */
    static byte[] patchHeader(byte[] a, int at, byte... v) {
        byte[] b = a.clone();
        System.arraycopy(v, 0, b, at, v.length);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long off = bb.getLong(12), size = bb.getLong(20);
        CRC32 crc = new CRC32();
        crc.update(b, (int) (32 + off), (int) size);
        bb.putInt(28, (int) crc.getValue());
        crc.reset();
        crc.update(b, 12, 20);
        bb.putInt(8, (int) crc.getValue());
        return b;
    }

    /** Where the folder's two unpack sizes (kCodersUnpackSize 0x0c, then 3140 = 8c 44 twice) lie. */
    static int unpackSizes(byte[] a) {
        for (int i = a.length - 5; i > 32; i--) {
            if (a[i] == 0x0c && a[i + 1] == (byte) 0x8c && a[i + 2] == 0x44 && a[i + 3] == (byte) 0x8c && a[i + 4] == 0x44) return i + 1;
        }
        throw new AssertionError("unpack sizes not found");
    }

    @Test
    void lyingUnpackSizes() {
        byte[] good = chain("bcj");
        int at = unpackSizes(good);
        byte[] code = code();
        // the filter's size differs from PPMd's: not a plain chain
        RecordingContext ctx = Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, patchHeader(good, at, (byte) 0x8c, (byte) 0x45));
        assertTrue(ctx.notes().toString().contains("changes the size"), ctx.notes().toString());
        // both larger (the last member claims 16 bytes the stream does not have) and both smaller (it loses 20)
        for (byte v : new byte[] {0x54, 0x30}) {
            ctx = Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, patchHeader(good, at, (byte) 0x8c, v, (byte) 0x8c, v));
            assertArrayEquals(code, ctx.extracted().get(0).data(), ctx.notes().toString());
        }
    }

    @Test
    void truncatedAndDamagedChainsEndCleanly() {
        for (String f : List.of("bcj", "delta4", "bcj2")) {
            byte[] good = chain(f);
            for (int cut = 0; cut < good.length; cut += 97) Contract.run(new SevenZipExtractor(), FileType.SEVENZIP, Arrays.copyOf(good, cut));
            Contract.lyingSizes(new SevenZipExtractor(), FileType.SEVENZIP, good);
        }
    }

    // ---- Commons Compress's private layout ----

    /**
     * Pins the Commons Compress behaviour PPMd decoding rests on: it still has no PPMd coder (else use
     * its own), and its private header layout is the one {@link PpmdFolders.Layout} reads. An upgrade
     * that breaks either fails here, naming the version.
     */
    @Test
    void commonsCompressLayoutIsReadable() throws Exception {
        String version = PpmdFolders.commonsCompressVersion();
        assertTrue(Arrays.stream(SevenZMethod.values()).noneMatch(m -> m.name().contains("PPMD")), "Commons Compress " + version + " has PPMd now");
        assertInstanceOf(PpmdFolders.Layout.class, PpmdFolders.LAYOUT, "Commons Compress " + version + ": " + PpmdFolders.LAYOUT);
        try (SevenZFile sz = SevenZFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(chain("bcj"))).get()) {
            PpmdFolders pf = PpmdFolders.of(sz);
            assertNull(pf.failure);
            assertEquals(1, pf.folders[0].filters().size());
            assertEquals(3140, pf.folders[0].unpackSize());
        }
    }

    /** A Commons Compress whose fields moved: PPMd members are reported unsupported, nothing throws. */
    @Test
    void missingFieldMeansUnsupportedNotACrash() {
        for (String gone : List.of("packStreamOffsets", "bindPairs", "archive")) {
            Object layout = PpmdFolders.loadLayout(n -> n.equals(gone) ? n + "Renamed" : n);
            assertInstanceOf(String.class, layout);
            assertTrue(((String) layout).contains(gone + "Renamed") && ((String) layout).contains("Commons Compress"), (String) layout);
            for (byte[] a : List.of(chain("bcj"), SevenZipPpmdTest.fixture("eicar.7z"))) {
                RecordingContext ctx = RecordingContext.defaults();
                new SevenZipExtractor(layout).extract(TestLayer.of(a, FileType.SEVENZIP), ctx);
                String notes = ctx.notes().toString();
                assertTrue(notes.contains("PPMd unsupported") && notes.contains(gone), notes);
                assertTrue(ctx.extracted().stream().noneMatch(c -> c.data().length > 0), notes);
            }
        }
        // a layout whose fields exist but hold something else fails per archive, also as unsupported
        PpmdFolders broken = PpmdFolders.of(null, PpmdFolders.LAYOUT);
        assertTrue(broken.failure.contains("header layout unreadable"), broken.failure);
    }
}

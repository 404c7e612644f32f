package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.diag.Diagnostic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseLoaderTest {
    private static final byte[] DATA = "xxxxAAAAhelloBBBBworldCCCC and more text".getBytes(StandardCharsets.ISO_8859_1);

    private static Engine engine(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, StandardCharsets.ISO_8859_1);
        return Engine.load(List.of(dir), LoadOptions.defaults());
    }

    private static List<String> names(ScanResult r) {
        return r.detections().stream().map(d -> d.name()).distinct().toList();
    }

    @Test
    void everyMalformedLineIsReportedWithFileAndLine(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("t.ndb"), "Good:0:*:68656c6c6f\nBad:0:*:6g\nAlso:0:*\nFine:0:*:776f726c64\n\n");
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(dir), LoadOptions.defaults()));
        List<Diagnostic> d = e.diagnostics();
        assertEquals(List.of(2, 3, 5), d.stream().map(Diagnostic::line).toList());
        assertTrue(d.get(0).source().endsWith("t.ndb"));
        assertTrue(d.get(0).toString().matches(".*t\\.ndb:2: error: invalid hex.*"), d.get(0).toString());
    }

    @Test
    void unofficialSuffixClamStrippingAndCount(@TempDir Path dir) throws IOException {
        Engine e = engine(dir, "t.ndb", "Sig (Clam):0:*:68656c6c6f\n# comment\nOther:0:*:7a7a7a7a\n");
        assertEquals(2, e.database().signatureCount());
        assertEquals(List.of("Sig.UNOFFICIAL"), names(e.scan(DATA, ScanOptions.defaults())));
    }

    /** As clamscan 1.4.6: .ldb subsignatures go to the Aho-Corasick matcher, where two plain bytes suffice. */
    @Test
    void twoBytePlainSubsignatureLoadsInLdbButNotInNdb(@TempDir Path dir) throws IOException {
        Engine e = engine(dir, "t.ldb", "Two;Engine:51-255,Target:0;0;6865\n");
        assertEquals(List.of("Two.UNOFFICIAL"), names(e.scan(DATA, ScanOptions.defaults())));
        Files.delete(dir.resolve("t.ldb"));
        assertThrows(DatabaseLoadException.class, () -> engine(dir, "t.ndb", "Two:0:*:6865\n"));
        Files.delete(dir.resolve("t.ndb"));
        assertThrows(DatabaseLoadException.class, () -> engine(dir, "t.ldb", "One;Engine:51-255,Target:0;0;68\n"));
    }

    @Test
    void flevelOutsideRangeIsSkippedNotAnError(@TempDir Path dir) throws IOException {
        Engine e = engine(dir, "t.ndb", "Future:0:*:68656c6c6f:255\nPast:0:*:68656c6c6f:1:10\n");
        assertEquals(ScanResult.Status.CLEAN, e.scan(DATA, ScanOptions.defaults()).status());
    }

    @Test
    void ignoreListsApplyToNamesAndLineDigests(@TempDir Path dir) throws Exception {
        String line = "Sig:0:*:68656c6c6f";
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(line.getBytes(StandardCharsets.ISO_8859_1)));
        Files.writeString(dir.resolve("a.ign2"), "Sig:" + md5 + "\n");
        Engine e = engine(dir, "t.ndb", line + "\nSigma:0:*:776f726c64\n");
        assertEquals(List.of("Sigma.UNOFFICIAL"), names(e.scan(DATA, ScanOptions.defaults().withAllMatch(true))));
    }

    @Test
    void wildcardSizeHashNeedsFlevel73(@TempDir Path dir) throws Exception {
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(DATA));
        assertThrows(DatabaseLoadException.class, () -> engine(dir, "t.hdb", md5 + ":*:H\n"));
        Files.delete(dir.resolve("t.hdb"));
        Engine e = engine(dir, "t.hdb", md5 + ":*:H:73\n");
        assertEquals(List.of("H.UNOFFICIAL"), names(e.scan(DATA, ScanOptions.defaults())));
    }

    @Test
    void emptyFileIsAnErrorButCommentsOnlyIsNot(@TempDir Path dir) throws IOException {
        assertThrows(DatabaseLoadException.class, () -> engine(dir, "t.ndb", ""));
        Files.delete(dir.resolve("t.ndb"));
        assertEquals(0, engine(dir, "t.ndb", "# nothing\n").database().signatureCount());
    }

    /**
     * A test RSA key in ClamAV's CVD signature scheme (the MD5 as a number, raised to d, written in
     * {@link CvdReader#NCODEC} digits least significant first), standing in for Talos' private key.
     */
    static final class TestKey {
        static final BigInteger N, E = BigInteger.valueOf(65537), D;
        static {
            java.util.Random r = new java.util.Random(42);
            BigInteger p, q, phi;
            do {
                p = BigInteger.probablePrime(512, r);
                q = BigInteger.probablePrime(512, r);
                phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
            } while (!phi.gcd(E).equals(BigInteger.ONE));
            N = p.multiply(q);
            D = E.modInverse(phi);
        }

        static String sign(String md5Hex) {
            BigInteger s = new BigInteger(1, HexFormat.of().parseHex(md5Hex)).modPow(D, N);
            StringBuilder sb = new StringBuilder();
            for (; s.signum() > 0; s = s.shiftRight(6)) sb.append(CvdReader.NCODEC.charAt(s.intValue() & 63));
            return sb.toString();
        }

        /** Runs {@code body} with .cvd headers verified against this key instead of ClamAV's. */
        static void trusted(org.junit.jupiter.api.function.Executable body) throws Throwable {
            BigInteger[] saved = CvdReader.headerKey;
            CvdReader.headerKey = new BigInteger[] {N, E};
            try {
                body.execute();
            } finally {
                CvdReader.headerKey = saved;
            }
        }
    }

    /** Builds a CVD-format container the way sigtool lays it out (512-byte header + tar.gz), signed with {@link TestKey}. */
    static byte[] cvd(String dbName, String content, boolean corruptMd5) throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(body))) {
            for (String[] m : new String[][] {{"COPYING", "test"}, {dbName, content}}) {
                byte[] b = m[1].getBytes(StandardCharsets.ISO_8859_1);
                TarArchiveEntry te = new TarArchiveEntry(m[0]);
                te.setSize(b.length);
                tar.putArchiveEntry(te);
                tar.write(b);
                tar.closeArchiveEntry();
            }
        }
        byte[] bb = body.toByteArray();
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bb));
        if (corruptMd5) md5 = "0".repeat(32);
        String header = "ClamAV-VDB:24 Nov 2026 07-41 +0000:27500:1:216:" + md5 + ":" + TestKey.sign(md5) + ":tester:1795506093";
        byte[] out = new byte[512 + bb.length];
        java.util.Arrays.fill(out, 0, 512, (byte) ' ');
        byte[] h = header.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(bb, 0, out, 512, bb.length);
        return out;
    }

    @Test
    void cvdContainerLoadsOfficialNamesAndVersion(@TempDir Path dir) throws Throwable {
        Files.write(dir.resolve("daily.cvd"), cvd("daily.ndb", "Official.Sig:0:*:68656c6c6f\n", false));
        TestKey.trusted(() -> {
            Engine e = Engine.load(List.of(dir), LoadOptions.defaults());
            Database db = e.database();
            assertEquals(27500, db.version());
            assertEquals(1, db.signatureCount());
            assertEquals(List.of("Official.Sig"), names(e.scan(DATA, ScanOptions.defaults())));
        });
    }

    /** As clamscan (cli_versig): a .cvd whose header signature does not verify against ClamAV's key is refused, MD5 right or not. */
    @Test
    void cvdNotSignedByClamAvIsRefused(@TempDir Path dir) throws Exception {
        byte[] signedByOthers = cvd("daily.ndb", "Official.Sig:0:*:68656c6c6f\n", false);
        Files.write(dir.resolve("daily.cvd"), signedByOthers);
        DatabaseLoadException ex = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(dir), LoadOptions.defaults()));
        assertTrue(ex.getMessage().contains("Digital signature verification error"), ex.getMessage());
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(
                java.util.Arrays.copyOfRange(signedByOthers, 512, signedByOthers.length)));
        assertTrue(CvdReader.versig(md5, TestKey.sign(md5), TestKey.N, TestKey.E));
        for (String bad : new String[] {"X", "", TestKey.sign(md5) + "b", TestKey.sign(md5).substring(1), "!" + TestKey.sign(md5),
                "a".repeat(351)}) {
            assertFalse(CvdReader.versig(md5, bad, TestKey.N, TestKey.E), bad);
        }
        assertFalse(CvdReader.versig(md5, TestKey.sign(md5), CvdReader.CLAMAV_N, CvdReader.CLAMAV_E));
        // a real Talos-signed header (daily.cvd 25784, 16 Apr 2020) verifies against ClamAV's key
        String talosMd5 = "92baacd59fd26e6bcf03077add78d209";
        String talosSig = "4Jp9JtGJY6nUk8JHDQQpQeBwlfXqskvhXL+vesDNqAeWCmjbudU+Hy/Nj4/BH2vl70c/R5B/VYY+eqqCQo6o7VGLqLJr/E+19gejqMp/"
                + "iRcuHrtnLw6V/x3UjO3/qYVSlcJvAjtMI7FK32wjB+Sp8kaS/ZbfaFQp6trRQhisjqf";
        assertTrue(CvdReader.versig(talosMd5, talosSig, CvdReader.CLAMAV_N, CvdReader.CLAMAV_E));
        assertFalse(CvdReader.versig("92baacd59fd26e6bcf03077add78d208", talosSig, CvdReader.CLAMAV_N, CvdReader.CLAMAV_E));
        // an MD5 with a leading zero byte is still 16 bytes once decoded
        String zero = "00" + md5.substring(2);
        assertTrue(CvdReader.versig(zero, TestKey.sign(zero), TestKey.N, TestKey.E));
    }

    @Test
    void cvdWithWrongMd5IsRefused(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("daily.cvd"), cvd("daily.ndb", "Official.Sig:0:*:68656c6c6f\n", true));
        DatabaseLoadException ex = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(dir), LoadOptions.defaults()));
        assertTrue(ex.getMessage().contains("MD5"), ex.getMessage());
    }

    @Test
    void truncatedCvdIsAClearError(@TempDir Path dir) throws Exception {
        byte[] full = cvd("daily.ndb", "Official.Sig:0:*:68656c6c6f\n", false);
        for (int len : new int[] {0, 100, 511, 512, 530, full.length - 1}) {
            Files.write(dir.resolve("daily.cvd"), java.util.Arrays.copyOf(full, len));
            assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(dir), LoadOptions.defaults()), "length " + len);
        }
    }

    @Test
    void builtinDatabaseDetectsEicar() {
        Engine e = Engine.loadWithBuiltin(List.of(), LoadOptions.defaults());
        byte[] eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*".getBytes(StandardCharsets.US_ASCII);
        assertEquals(List.of("Eicar-Test-Signature"), names(e.scan(eicar, ScanOptions.defaults())));
        assertTrue(e.database().sources().get(0).startsWith("built-in"));
    }

    /** An empty directory is told by the exception's kind, not by the text of its message; a malformed file is MALFORMED. */
    @Test
    void failureKindsAreTyped(@TempDir Path tmp) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("notes.txt"), "not a database\n");
        DatabaseLoadException none = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(empty), LoadOptions.defaults()));
        assertEquals(DatabaseLoadException.Kind.NO_DATABASE_FILES, none.kind());
        Path bad = Files.writeString(tmp.resolve("bad.ndb"), "Broken:0:*:6\n");
        DatabaseLoadException malformed = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(bad), LoadOptions.defaults()));
        assertEquals(DatabaseLoadException.Kind.MALFORMED, malformed.kind());
    }

    /**
     * A file read from disk is cut into lines as ClamAV's fgets cuts it (8,191 bytes, 32,768 for .ldb): a hash line of
     * 8,191 characters is a good line and an empty one (line 2); the same text given in memory is one line. The files
     * loaded without an error are counted in load order up to the failing one (clamscan's "Known viruses").
     */
    @Test
    void longLinesAreCutAsClamAVsFgetsCutsThem(@TempDir Path tmp) throws IOException {
        String line = "44d88612fea8a8f36de82e1278abb02f:68:" + "N".repeat(8_191 - 36);
        Path dir = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(dir.resolve("a.ndb"), "A:0:*:68656c6c6f\nB:0:*:776f726c64\n");
        Path hdb = Files.writeString(dir.resolve("long.hdb"), line + "\n");
        DatabaseLoadException e = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(dir), LoadOptions.defaults()));
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(hdb.toString(), d.source());
        assertEquals(2, d.line(), d.toString());
        assertTrue(d.message().contains("8191 bytes or more"), d.message());
        assertEquals(java.util.Map.of(dir.resolve("a.ndb").toString(), 2), e.loaded());
        assertEquals(2, DatabaseLoader.signaturesBeforeFailure(List.of(dir), e));
        assertEquals(1, DatabaseLoader.loadText("long.hdb", line + "\n", LoadOptions.defaults()).signatureCount());
        Files.writeString(hdb, line.substring(0, line.length() - 1) + "\n"); // 8,190 characters and the newline: one line
        assertEquals(3, Engine.load(List.of(dir), LoadOptions.defaults()).database().signatureCount());
    }
}

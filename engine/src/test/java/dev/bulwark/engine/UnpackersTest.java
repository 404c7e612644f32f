package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's packed and installer test files: the test executable (or its code) hidden by a PE packer,
 * an NSIS installer or a compiled AutoIt script must be found through our unpackers, by the body
 * pattern, and clamscan must agree on every file we claim.
 */
class UnpackersTest {
    private static final Path DIR = Path.of("/usr/share/clamav-testfiles");
    private static final String BODY = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";
    /** Found only through an unpacker of this branch (each is clean with unpacking disabled). */
    private static final List<String> UNPACKED = List.of("clam-upx.exe", "clam-nsis.exe", "clam.ea05.exe", "clam.ea06.exe",
            "clam-yc.exe", "clam-aspack.exe", "clam-pespin.exe", "clam-petite.exe", "clam-mew.exe", "clam-upack.exe");
    /** The 544-byte test executable itself comes out byte-exactly (found by its sha256). */
    private static final Set<String> BY_HASH = Set.of("clam-nsis.exe", "clam.ea05.exe", "clam.ea06.exe", "clam-aspack.exe",
            "clam-pespin.exe", "clam-petite.exe", "clam-mew.exe", "clam-upack.exe");
    /**
     * Not detected yet (listed so that the test shows the gap; only "no error" is asserted). clam-wwpack.exe is
     * unpacked byte-identically to ClamAV (WwPackTest), but the test executable sits in a ZIP inside the unpacked
     * image, which needs embedded-type (ZIPSFX) discovery in PE layers.
     */
    static final List<String> NOT_YET = List.of("clam-wwpack.exe");

    @Test
    void packedTestFilesAreDetected(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(DIR), "apt-get install clamav-testfiles");
        Path ndb = tmp.resolve("t.ndb");
        Files.writeString(ndb, BODY);
        Files.writeString(tmp.resolve("t.hsb"), "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495:544:ClamAV-Test-File\n");
        Engine body = Engine.load(List.of(ndb), LoadOptions.defaults());
        Engine hash = Engine.load(List.of(tmp.resolve("t.hsb")), LoadOptions.defaults());
        Set<String> missing = new TreeSet<>();
        for (String n : UNPACKED) {
            Path f = DIR.resolve(n);
            assumeTrue(Files.isReadable(f), n);
            ScanResult r = body.scan(f, ScanOptions.defaults());
            if (!r.infected()) missing.add(n + " (" + r.error() + ")");
            else assertNotEquals(r.detections().get(0).path(), f.toString(), n + ": found in the packed bytes, not a child");
            // UPX and the pepack unpackers run under the PE parser; the NSIS and AutoIt extractors under the archive parser
            boolean pe = n.contains("upx") || n.contains("yc") || n.contains("aspack") || n.contains("pespin")
                    || n.contains("petite") || n.contains("mew") || n.contains("upack");
            ScanOptions.Parser gate = pe ? ScanOptions.Parser.PE : ScanOptions.Parser.ARCHIVE;
            assertTrue(!body.scan(f, ScanOptions.defaults().withParser(gate, false)).infected(),
                    n + " is found without its unpacker: not a test of it");
            if (BY_HASH.contains(n)) assertTrue(hash.scan(f, ScanOptions.defaults()).infected(), n + " by hash");
        }
        assertEquals(Set.of(), missing, "not detected");
        for (String n : NOT_YET) {
            Path f = DIR.resolve(n);
            if (Files.isReadable(f)) assertNotEquals(ScanResult.Status.ERROR, body.scan(f, ScanOptions.defaults()).status(), n);
        }
    }

    /** clamscan with the same signature flags the same files (skipped when clamscan is absent). */
    @Test
    void clamscanAgrees(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(DIR), "apt-get install clamav-testfiles");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        Path ndb = tmp.resolve("t.ndb");
        Files.writeString(ndb, BODY);
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "-d", ndb.toString()));
        for (String n : UNPACKED) cmd.add(DIR.resolve(n).toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Engine body = Engine.load(List.of(ndb), LoadOptions.defaults());
        for (String n : UNPACKED) {
            boolean clam = out.contains(DIR.resolve(n) + ": ClamAV-Test-Body.UNOFFICIAL FOUND");
            assertEquals(clam, body.scan(DIR.resolve(n), ScanOptions.defaults()).infected(), n + "\n" + out);
        }
    }
}

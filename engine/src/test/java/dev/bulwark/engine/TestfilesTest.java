package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's own test files (Debian package clamav-testfiles): the test executable hidden in archives,
 * mail, documents and installers must be found through our extractors, by body pattern and by the
 * hash of the extracted executable.
 */
class TestfilesTest {
    private static final Path DIR = Path.of("/usr/share/clamav-testfiles");

    /** Files where the body signature must be found (the executable is reachable by our extractors). */
    private static final Set<String> BODY = Set.of("clam-fsg.exe", "clam.7z", "clam.arj", "clam.bin-be.cpio",
            "clam.bin-le.cpio", "clam.bz2.zip", "clam.cab", "clam.d64.zip", "clam.exe.binhex", "clam.exe.bz2",
            "clam.exe.html", "clam.exe.mbox.base64", "clam.exe.mbox.uu", "clam.exe.rtf", "clam.exe.szdd", "clam.exe",
            "clam.impl.zip", "clam.mail", "clam.newc.cpio", "clam.odc.cpio", "clam.ole.doc", "clam.pdf", "clam.ppt",
            "clam.tar.gz", "clam.tnef", "clam.zip", "clam_IScab_ext.exe", "clam_cache_emax.tgz", "clam.chm", "clam.sis",
            "clam_IScab_int.exe", "clam_ISmsi_ext.exe", "clam_ISmsi_int.exe",
            // PE unpackers and installers (formats/upx, pepack, nsis, autoit; wwpack hides a ZIP-SFX)
            "clam-upx.exe", "clam-yc.exe", "clam-wwpack.exe", "clam-aspack.exe", "clam-pespin.exe", "clam-mew.exe",
            "clam-upack.exe", "clam-nsis.exe", "clam.ea05.exe", "clam.ea06.exe", "clam-petite.exe");
    /** Files where the 544-byte executable itself is extracted byte-exactly (hash match). */
    private static final Set<String> HASH_MISSING = Set.of();

    @Test
    void embeddedTestExecutableIsFound(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isDirectory(DIR), "apt-get install clamav-testfiles");
        Files.writeString(tmp.resolve("t.ndb"), "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n");
        Files.writeString(tmp.resolve("t.hsb"), "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495:544:ClamAV-Test-File\n");
        Engine body = Engine.load(List.of(tmp.resolve("t.ndb")), LoadOptions.defaults());
        Engine hash = Engine.load(List.of(tmp.resolve("t.hsb")), LoadOptions.defaults());
        Set<String> byBody = new TreeSet<>(), byHash = new TreeSet<>();
        try (var s = Files.list(DIR)) {
            for (Path f : s.toList()) {
                String n = f.getFileName().toString();
                if (body.scan(f, ScanOptions.defaults()).infected()) byBody.add(n);
                if (hash.scan(f, ScanOptions.defaults()).infected()) byHash.add(n);
            }
        }
        assertTrue(byBody.containsAll(BODY), "missing by body: " + minus(BODY, byBody));
        Set<String> expectHash = new TreeSet<>(BODY);
        expectHash.removeAll(HASH_MISSING);
        assertTrue(byHash.containsAll(expectHash), "missing by hash: " + minus(expectHash, byHash));
        assertEquals(Set.of(), minus(byHash, byBody), "hash found where body did not");
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> s = new TreeSet<>(a);
        s.removeAll(b);
        return s;
    }
}

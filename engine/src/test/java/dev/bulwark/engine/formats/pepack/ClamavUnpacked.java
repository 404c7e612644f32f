package dev.bulwark.engine.formats.pepack;

import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What clamscan's own unpacker wrote for a test file (kept with --leave-temps), for byte-for-byte comparison. */
final class ClamavUnpacked {
    private ClamavUnpacked() {}

    /** The files of {@code size} bytes that clamscan left while scanning the named test file. */
    static List<Path> files(String testFile, int size, Path tmp) throws Exception {
        Tools.requireTool("clamscan");
        Path db = tmp.resolve("body.ndb"), temps = Files.createDirectory(tmp.resolve("t"));
        Files.writeString(db, "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n");
        Process p = new ProcessBuilder("clamscan", "--leave-temps", "--tempdir=" + temps, "-d", db.toString(),
                Samples.DIR.resolve(testFile).toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        try (Stream<Path> s = Files.walk(temps)) {
            return s.filter(Files::isRegularFile).filter(f -> f.toFile().length() == size).toList();
        }
    }
}

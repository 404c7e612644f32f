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
        // a pattern that occurs nowhere: a first match would end the scan before the unpackers ran
        Files.writeString(db, "Bulwark-Test-Nothing:0:*:0f1e2d3c4b5a69788796a5b4c3d2e1f0ffeeddccbbaa\n");
        Process p = new ProcessBuilder("clamscan", "--leave-temps", "--tempdir=" + temps, "-d", db.toString(),
                Samples.DIR.resolve(testFile).toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        try (Stream<Path> s = Files.walk(temps)) {
            return s.filter(Files::isRegularFile).filter(f -> f.toFile().length() == size).toList();
        }
    }

    /**
     * The file clamscan's PE unpacker rebuilt from {@code file} (its debug log names it), or null when
     * no unpacker produced one. A scan of its own in {@code tmp}.
     */
    static byte[] rebuilt(Path file, Path tmp) throws Exception {
        Tools.requireTool("clamscan");
        Path temps = Files.createTempDirectory(tmp, "t"), db = temps.resolve("nothing.ndb");
        Files.writeString(db, "Bulwark-Test-Nothing:0:*:0f1e2d3c4b5a69788796a5b4c3d2e1f0ffeeddccbbaa\n");
        Process p = new ProcessBuilder("clamscan", "--debug", "--leave-temps", "--tempdir=" + temps, "-d", db.toString(),
                file.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Unpacked and rebuilt executable saved in (\\S+)").matcher(log);
        return m.find() ? Files.readAllBytes(Path.of(m.group(1))) : null;
    }
}
